// The IIN's check digit, as the server checks it (see workflow/validation.cpp): the first
// weighted sum mod 11; if that is 10, a second one with other weights; if 10 again, never issued.

const SECOND_WEIGHTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

export function iinProblem(iin) {
  if (!/^\d*$/.test(iin)) return 'iin.digits_only';
  if (iin.length !== 12) return 'iin.length';
  const digits = [...iin].map(Number);
  let first = 0;
  let second = 0;
  for (let i = 0; i < 11; i += 1) {
    first += digits[i] * (i + 1);
    second += digits[i] * SECOND_WEIGHTS[i];
  }
  let check = first % 11;
  if (check === 10) check = second % 11;
  if (check === 10 || check !== digits[11]) return 'iin.check_digit';
  return null;
}

// What an IIN says of its holder: digits 1–6 the birth date (YYMMDD), digit 7 the century and
// sex (1/2 the 1800s, 3/4 the 1900s, 5/6 the 2000s; odd male, even female). Null when those
// digits say nothing valid. A help to fill the form, not a fact: some IINs break the rule.
export function birthFromIin(iin) {
  if (!/^\d{7}/.test(iin)) return null;
  const century = { 1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000 }[iin[6]];
  if (!century) return null;
  const year = century + Number(iin.slice(0, 2));
  const month = Number(iin.slice(2, 4));
  const day = Number(iin.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  const pad = (n) => String(n).padStart(2, '0');
  return { birth_date: `${year}-${pad(month)}-${pad(day)}`, sex: Number(iin[6]) % 2 === 1 ? 'male' : 'female' };
}
