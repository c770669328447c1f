// Inline SVG pictures: the route (event coordinates, or the countries in order) and IoT readings.

export interface RoutePoint { lat: number; lon: number; at: string | null; source: string }

/** Equirectangular projection of the points, fitted to the box; a polyline with start/end markers. */
export function RoutePicture({ points, countries, label }: { points: RoutePoint[]; countries: string[]; label: string }) {
  const W = 560, H = 220, pad = 16;
  if (points.length === 0) {
    // No coordinates: the countries in the order visited, as a chain.
    const step = countries.length > 1 ? (W - 2 * pad - 40) / (countries.length - 1) : 0;
    return (
      <svg viewBox={`0 0 ${W} 60`} role="img" aria-label={label} style={{ width: '100%', maxWidth: W }}>
        {countries.map((c, i) => (
          <g key={`${c}-${i}`}>
            {i > 0 && <line x1={pad + 20 + (i - 1) * step} y1={30} x2={pad + 20 + i * step} y2={30} stroke="currentColor" strokeOpacity={0.4} strokeWidth={2} />}
            <circle cx={pad + 20 + i * step} cy={30} r={14} fill="var(--color-surface, #fff)" stroke="currentColor" />
            <text x={pad + 20 + i * step} y={34} textAnchor="middle" fontSize={11}>{c}</text>
          </g>
        ))}
      </svg>
    );
  }
  const lons = points.map((p) => p.lon), lats = points.map((p) => p.lat);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const sx = (W - 2 * pad) / Math.max(maxLon - minLon, 1), sy = (H - 2 * pad) / Math.max(maxLat - minLat, 1);
  const s = Math.min(sx, sy);
  const x = (lon: number) => pad + (lon - minLon) * s;
  const y = (lat: number) => H - pad - (lat - minLat) * s;
  const path = points.map((p) => `${x(p.lon).toFixed(1)},${y(p.lat).toFixed(1)}`).join(' ');
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} style={{ width: '100%', maxWidth: W, border: '1px solid var(--color-border, #ddd)', borderRadius: 6 }}>
      <polyline points={path} fill="none" stroke="var(--color-primary, #2563eb)" strokeWidth={2} />
      {points.map((p, i) => (
        <circle key={i} cx={x(p.lon)} cy={y(p.lat)} r={i === points.length - 1 ? 6 : 3.5} fill={i === points.length - 1 ? 'var(--color-primary, #2563eb)' : p.source === 'gps' ? '#64748b' : '#fff'} stroke="var(--color-primary, #2563eb)">
          <title>{`${p.at ?? ''} ${p.lat.toFixed(2)}, ${p.lon.toFixed(2)} (${p.source})`}</title>
        </circle>
      ))}
      <text x={pad} y={H - 4} fontSize={10} fill="currentColor" opacity={0.6}>{countries.join(' → ')}</text>
    </svg>
  );
}

export interface Series { at: string; value: number }

/** Readings over time with the allowed band shaded; points outside the band in red. */
export function ReadingsChart({ series, band, unit, label }: { series: Series[]; band?: { min: number; max: number }; unit: string; label: string }) {
  const W = 560, H = 180, pad = 30;
  if (series.length === 0) return null;
  const times = series.map((p) => Date.parse(p.at));
  const values = series.map((p) => p.value).concat(band ? [band.min, band.max] : []);
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const [v0, v1] = [Math.min(...values) - 1, Math.max(...values) + 1];
  const x = (t: number) => pad + ((t - t0) / Math.max(t1 - t0, 1)) * (W - 2 * pad);
  const y = (v: number) => H - pad + 10 - ((v - v0) / Math.max(v1 - v0, 1e-9)) * (H - pad);
  const outside = (v: number) => !!band && (v < band.min || v > band.max);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} style={{ width: '100%', maxWidth: W }}>
      {band && <rect x={pad} y={y(band.max)} width={W - 2 * pad} height={Math.max(0, y(band.min) - y(band.max))} fill="#16a34a" opacity={0.12} />}
      {band && <text x={2} y={y(band.max) + 4} fontSize={10}>{band.max}{unit}</text>}
      {band && <text x={2} y={y(band.min) + 4} fontSize={10}>{band.min}{unit}</text>}
      <polyline points={series.map((p) => `${x(Date.parse(p.at)).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')} fill="none" stroke="#2563eb" strokeWidth={1.5} />
      {series.map((p, i) => (
        <circle key={i} cx={x(Date.parse(p.at))} cy={y(p.value)} r={outside(p.value) ? 3.5 : 2} fill={outside(p.value) ? '#dc2626' : '#2563eb'}>
          <title>{`${p.at}: ${p.value}${unit}`}</title>
        </circle>
      ))}
    </svg>
  );
}
