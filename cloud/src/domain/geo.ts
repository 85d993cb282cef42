/** A point on the Earth in decimal degrees (WGS 84). */
export interface LatLon {
  lat: number
  lon: number
}

/** IUGG mean Earth radius. */
const EARTH_RADIUS_KM = 6371.0088

/**
 * Door-to-door travel assumptions for ranking branches in a city: streets are ~1.3× longer than
 * the great-circle distance, and an average trip (car or taxi in Almaty traffic, parking, walking to
 * the door) moves at ~20 km/h. So 1 km straight-line ≈ 3.9 minutes.
 */
export const ROUTE_FACTOR = 1.3
export const CITY_SPEED_KMH = 20

const toRadians = (degrees: number) => (degrees * Math.PI) / 180

/** Great-circle distance in km (haversine). */
export function distanceKm(a: LatLon, b: LatLon): number {
  const dLat = toRadians(b.lat - a.lat)
  const dLon = toRadians(b.lon - a.lon)
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** Expected minutes to get from one point to another in a city (see ROUTE_FACTOR, CITY_SPEED_KMH). */
export function travelMinutes(km: number): number {
  return ((km * ROUTE_FACTOR) / CITY_SPEED_KMH) * 60
}

/**
 * Alternative branches ranked by total time cost: expected wait at the branch + travel time from
 * `origin` (travelMinutes). Branches whose wait is unknown (no live data) come after every branch
 * with a known wait, nearest first. Ties go to the nearer branch, then to the smaller id, so the
 * order is deterministic (costs compared to the second). At most `limit` results.
 */
export function rankAlternatives<
  T extends { id: string; location: LatLon; expectedWaitMinutes: number | null },
>(input: {
  origin: LatLon
  candidates: readonly T[]
  limit: number
}): (T & { distanceKm: number })[] {
  const limit = Math.max(0, Math.floor(input.limit))
  return input.candidates
    .map((candidate) => {
      const km = distanceKm(input.origin, candidate.location)
      const wait = candidate.expectedWaitMinutes
      return {
        ranked: { ...candidate, distanceKm: km },
        // Whole seconds: costs that differ by float noise tie and fall through to distance.
        cost:
          wait === null ? Number.POSITIVE_INFINITY : Math.round((wait + travelMinutes(km)) * 60),
      }
    })
    .sort(
      (a, b) =>
        compareCost(a.cost, b.cost) ||
        a.ranked.distanceKm - b.ranked.distanceKm ||
        (a.ranked.id < b.ranked.id ? -1 : a.ranked.id > b.ranked.id ? 1 : 0),
    )
    .slice(0, limit)
    .map((entry) => entry.ranked)
}

const compareCost = (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1)
