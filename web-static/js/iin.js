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
