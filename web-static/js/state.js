// What the whole page shares: the signed-in user and reference data, loaded once.

import { get } from './api.js';

export const session = { user: null };

let regions = null;
let profiles = null;
let reasons = null;

export async function loadRegions() {
  regions = regions || (await get('/api/v1/regions'));
  return regions;
}

export async function loadProfiles() {
  profiles = profiles || (await get('/api/v1/profiles'));
  return profiles;
}

// Every reason of the catalogues (reject, decline, refuse, cancel), with its names.
export async function loadReasons() {
  reasons = reasons || (await get('/api/v1/reasons'));
  return reasons;
}

export function regionName(code, language) {
  const region = (regions || []).find((r) => r.code === code);
  return region ? region.name[language] || region.name.en : code;
}
