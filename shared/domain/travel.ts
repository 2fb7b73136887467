/**
 * Impossible travel (DESIGN.md §6, network signals): a move between two sightings of a person
 * faster than a plane, measured between country centres (shared/domain/countries.ts) or a
 * sighting's own coordinates.
 */
import { COUNTRY_CENTROIDS } from './countries.js';
import { DEFAULT_NETWORK_POLICY, type NetworkPolicy } from './network-policy.js';

/** A past sighting of this person (country from an earlier verification, optional coordinates). */
export interface Sighting {
  country?: string;
  /** ISO timestamp. */
  at: string;
  lat?: number;
  lon?: number;
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance (haversine) in km. */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const centroid = (code: string) => {
  const c = COUNTRY_CENTROIDS[code];
  return c ? { lat: c[0], lon: c[1] } : undefined;
};

export interface Travel {
  from: string;
  to: string;
  km: number;
  hours: number;
  kmh: number;
}

/**
 * The fastest move from a previous sighting in another country to `country` now, if any is faster
 * than the policy allows. A sighting's own coordinates are used when it has them, else its
 * country's centre; the current place is always the centre of its country. Sightings with no
 * country, a bad date, or a date more than 5 minutes ahead are ignored; elapsed time is at least
 * a minute.
 */
export function impossibleTravel(
  country: string,
  previous: readonly Sighting[],
  now: Date,
  policy: Pick<NetworkPolicy, 'impossibleTravelKmh' | 'impossibleTravelMinKm'> = DEFAULT_NETWORK_POLICY,
): Travel | undefined {
  const here = centroid(country);
  if (!here) return undefined;
  let fastest: Travel | undefined;
  for (const sighting of previous) {
    const from = sighting.country?.toUpperCase();
    if (!from || from === country) continue;
    const at = Date.parse(sighting.at);
    const elapsedMs = now.getTime() - at;
    if (Number.isNaN(at) || elapsedMs < -5 * 60_000) continue;
    const there =
      Number.isFinite(sighting.lat) && Number.isFinite(sighting.lon)
        ? { lat: sighting.lat as number, lon: sighting.lon as number }
        : centroid(from);
    if (!there) continue;
    const km = distanceKm(there, here);
    if (km < policy.impossibleTravelMinKm) continue;
    const hours = Math.max(elapsedMs, 60_000) / 3_600_000;
    const kmh = km / hours;
    if (kmh > policy.impossibleTravelKmh && (!fastest || kmh > fastest.kmh))
      fastest = { from, to: country, km, hours, kmh };
  }
  return fastest;
}
