// C2SP tlog-tiles (v0.1.0) storage model: tiles of height 8 (256 hashes wide).
//
// Tile (L, N) holds the 256 hashes of tree level 8L numbered N·256 … N·256+255, i.e. hash i is
// MTH of entries [(N·256+i)·256^L, (N·256+i+1)·256^L). Level 0 tiles hold leaf hashes. Any stored
// hash at tree level 8L+j is computed by hashing j levels up inside a level-L tile, so a proof
// needs at most a couple of tiles per 8 tree levels: O(log n) reads. A tile that is not full at the
// current tree size is "partial" with width W = floor(size / 256^L) mod 256, path suffix `.p/W`.
import { HASH_SIZE, nodeHash } from './hash.ts';
import { parseUint64Decimal } from './encoding.ts';
import {
  consistencyProofIndexes,
  inclusionProofIndexes,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
  treeHashIndexes,
  type HashReader,
} from './stored.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** A tile: level L, index N, width W (256 = full, 1..255 = partial). */
export interface Tile {
  level: number;
  index: number;
  width: number;
}

/** Reads tiles (full or partial, exactly the width asked for) from storage or over HTTP. */
export interface TileReader {
  /** Each result must be width × 32 bytes. */
  readTiles(tiles: readonly Tile[]): Promise<Uint8Array[]>;
}

const pow256 = (level: number): number => 256 ** level;

// ---------------------------------------------------------------------------------------------
// Paths

/** "x001/x234/067" for 1234067: 3-digit groups, all but the last prefixed with "x". */
export function encodeTileIndex(index: number | bigint): string {
  const big = BigInt(index);
  if (big < 0n) throw new RangeError('tile index must be non-negative');
  let digits = big.toString();
  while (digits.length % 3 !== 0) digits = '0' + digits;
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? 'x' + g : g)).join('/');
}

function widthSuffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`bad tile width ${width}`);
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/** tile/<L>/<N>[.p/<W>]; width 256 (the default) means a full tile. */
export function tilePath(level: number, index: number | bigint, width = TILE_WIDTH): string {
  if (!Number.isInteger(level) || level < 0 || level > 63) throw new RangeError(`bad tile level ${level}`);
  return `tile/${level}/${encodeTileIndex(index)}${widthSuffix(width)}`;
}

/** tile/entries/<N>[.p/<W>] */
export function entryBundlePath(index: number | bigint, width = TILE_WIDTH): string {
  return `tile/entries/${encodeTileIndex(index)}${widthSuffix(width)}`;
}

/** Path of the entry bundle holding entry `entryIndex` in a log of `logSize` entries. */
export function entryBundlePathForEntry(entryIndex: number | bigint, logSize: number | bigint): string {
  const seq = BigInt(entryIndex);
  const size = BigInt(logSize);
  if (seq < 0n || seq >= size) throw new RangeError('entry index is not in the log');
  const bundle = seq / 256n;
  const remaining = size - bundle * 256n;
  return entryBundlePath(bundle, remaining >= 256n ? TILE_WIDTH : Number(remaining));
}

export interface ParsedTilePath {
  level: number;
  /** Exact tile index (may exceed 2^53). */
  index: bigint;
  /** 256 for a full tile, else the partial width. */
  width: number;
}

/**
 * Parse the level path element and the index path elements of a tile path, e.g. ("0",
 * "x001/x234/067.p/89"). Throws SyntaxError on anything non-canonical: levels 0..63 without leading
 * zeros, 3-digit groups with "x" on all but the last, partial width 1..255, index < 2^64.
 */
export function parseTileLevelAndIndex(levelElement: string, indexElements: string): ParsedTilePath {
  const bad = (why: string): never => {
    throw new SyntaxError(`bad tile path ${levelElement}/${indexElements}: ${why}`);
  };
  if (!/^(?:0|[1-9][0-9]?)$/.test(levelElement) || Number(levelElement) > 63) bad('level must be 0..63');
  const parts = indexElements.split('/');
  let width = TILE_WIDTH;
  if (parts.length >= 2 && parts[parts.length - 2]!.endsWith('.p')) {
    const w = parts.pop()!;
    if (!/^[1-9][0-9]{0,2}$/.test(w) || Number(w) > 255) bad('partial width must be 1..255');
    width = Number(w);
    parts[parts.length - 1] = parts[parts.length - 1]!.slice(0, -2);
  }
  let digits = '';
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (!(last ? /^[0-9]{3}$/ : /^x[0-9]{3}$/).test(part)) bad(`element "${part}"`);
    digits += last ? part : part.slice(1);
  });
  if (parts.length > 1 && digits.startsWith('000')) bad('leading zero group');
  const index = parseUint64Decimal(digits.replace(/^0+(?=.)/, ''));
  if (index === undefined) bad('index does not fit in 64 bits');
  return { level: Number(levelElement), index: index!, width };
}

export type ParsedResourcePath =
  | ({ kind: 'tile' } & ParsedTilePath)
  | { kind: 'entries'; index: bigint; width: number }
  | { kind: 'checkpoint' };

/** Parse a path relative to the log prefix: checkpoint, tile/<L>/<N>[.p/W], tile/entries/<N>[.p/W]. */
export function parseResourcePath(path: string): ParsedResourcePath {
  if (path === 'checkpoint') return { kind: 'checkpoint' };
  const match = /^tile\/([^/]+)\/(.+)$/.exec(path);
  if (!match) throw new SyntaxError(`not a tlog-tiles path: ${path}`);
  if (match[1] === 'entries') {
    const parsed = parseTileLevelAndIndex('0', match[2]!);
    return { kind: 'entries', index: parsed.index, width: parsed.width };
  }
  return { kind: 'tile', ...parseTileLevelAndIndex(match[1]!, match[2]!) };
}

// ---------------------------------------------------------------------------------------------
// Tile geometry

/** Width of tile (level, index) at tree size `size`: 256 if full, 1..255 if partial, 0 if absent. */
export function tileWidthAt(level: number, index: number, size: number): number {
  const nodes = Math.floor(size / pow256(level));
  return Math.max(0, Math.min(TILE_WIDTH, nodes - index * TILE_WIDTH));
}

/** The tiles that make up a tree of `size` leaves at each level (full ones plus at most one partial). */
export function tileDecomposition(size: number): { level: number; fullTiles: number; partialWidth: number }[] {
  const out: { level: number; fullTiles: number; partialWidth: number }[] = [];
  for (let level = 0; Math.floor(size / pow256(level)) > 0; level++) {
    const nodes = Math.floor(size / pow256(level));
    out.push({ level, fullTiles: Math.floor(nodes / TILE_WIDTH), partialWidth: nodes % TILE_WIDTH });
  }
  return out;
}

/**
 * Tiles that are new or grew when the tree goes from oldSize to newSize (what a log writes after
 * an append): every tile that became full, and the partial tile at each level's right edge.
 */
export function newTiles(oldSize: number, newSize: number): Tile[] {
  const tiles: Tile[] = [];
  for (let level = 0; Math.floor(newSize / pow256(level)) > 0; level++) {
    const oldNodes = Math.floor(oldSize / pow256(level));
    const newNodes = Math.floor(newSize / pow256(level));
    if (oldNodes === newNodes) continue;
    const lastFull = Math.floor(newNodes / TILE_WIDTH);
    for (let n = Math.floor(oldNodes / TILE_WIDTH); n < lastFull; n++) tiles.push({ level, index: n, width: TILE_WIDTH });
    const width = newNodes - lastFull * TILE_WIDTH;
    if (width > 0) tiles.push({ level, index: lastFull, width });
  }
  return tiles;
}

/**
 * Where stored hash `storedIndex` lives: the tile, and the range [start, end) of that tile's hashes
 * whose subtree hash it is. `minWidth` = end: the tile must be at least this wide.
 */
export function tileForStoredHash(storedIndex: number): { tile: Tile; start: number; end: number } {
  const { level: treeLevel, n } = splitStoredHashIndex(storedIndex);
  const level = Math.floor(treeLevel / TILE_HEIGHT);
  const levelInTile = treeLevel - level * TILE_HEIGHT;
  const span = 2 ** levelInTile; // tile hashes under this node
  const perTile = TILE_WIDTH / span; // nodes at this height per tile
  const index = Math.floor(n / perTile);
  const nInTile = n - index * perTile;
  const start = nInTile * span;
  const end = start + span;
  return { tile: { level, index, width: end }, start, end };
}

/** Hash of a power-of-two run of tile hashes (hashing up inside the tile). */
function hashTileRange(data: Uint8Array, start: number, end: number): Uint8Array {
  if (end - start === 1) return data.subarray(start * HASH_SIZE, end * HASH_SIZE);
  const mid = start + (end - start) / 2;
  return nodeHash(hashTileRange(data, start, mid), hashTileRange(data, mid, end));
}

/** Stored hash `storedIndex` computed from the data of `tile` (which must contain it). */
export function hashFromTile(tile: Tile, data: Uint8Array, storedIndex: number): Uint8Array {
  const where = tileForStoredHash(storedIndex);
  if (where.tile.level !== tile.level || where.tile.index !== tile.index) throw new RangeError('stored hash is not in this tile');
  if (tile.width < where.end || data.length < where.end * HASH_SIZE) throw new RangeError('tile is too narrow for this hash');
  return hashTileRange(data, where.start, where.end);
}

const tileKey = (t: Tile): string => `${t.level}/${t.index}`;

/**
 * The tiles (with the width they have at tree size `size`) that hold the given stored hashes —
 * e.g. for inclusionProofIndexes(…): the tile reads a proof costs. Deduplicated, in first-use order.
 */
export function tilesForStoredHashes(size: number, storedIndexes: readonly number[]): Tile[] {
  const count = storedHashCount(size);
  const seen = new Map<string, Tile>();
  for (const storedIndex of storedIndexes) {
    if (!(storedIndex >= 0 && storedIndex < count)) throw new RangeError(`stored hash ${storedIndex} is not in a tree of size ${size}`);
    const { tile } = tileForStoredHash(storedIndex);
    const key = tileKey(tile);
    if (!seen.has(key)) seen.set(key, { level: tile.level, index: tile.index, width: tileWidthAt(tile.level, tile.index, size) });
  }
  return [...seen.values()];
}

/** Tiles a client must fetch to build the inclusion proof of leaf `index` at tree size `size`. */
export function tilesForInclusionProof(index: number, size: number): Tile[] {
  return tilesForStoredHashes(size, inclusionProofIndexes(index, size));
}

/** Tiles a client must fetch to build the consistency proof from size1 to size2. */
export function tilesForConsistencyProof(size1: number, size2: number): Tile[] {
  return size1 === size2 ? [] : tilesForStoredHashes(size2, consistencyProofIndexes(size1, size2));
}

/** Tiles needed to compute the tree head of a tree of `size` leaves. */
export function tilesForTreeHash(size: number): Tile[] {
  return tilesForStoredHashes(size, treeHashIndexes(size));
}

/**
 * A HashReader over a tiled log of `size` leaves: each readHashes call makes one readTiles call for
 * the distinct tiles involved (a proof at 10 M leaves touches ≤ 2 tiles per level: ~6 tiles).
 */
export function tileHashReader(size: number, tiles: TileReader): HashReader {
  return {
    async readHashes(indexes: readonly number[]): Promise<Uint8Array[]> {
      const needed = tilesForStoredHashes(size, indexes);
      const data = await tiles.readTiles(needed);
      const byKey = new Map<string, { tile: Tile; data: Uint8Array }>();
      needed.forEach((tile, i) => {
        const bytes = data[i]!;
        if (bytes.length !== tile.width * HASH_SIZE) throw new Error(`tile ${tilePath(tile.level, tile.index, tile.width)} has ${bytes.length} bytes`);
        byKey.set(tileKey(tile), { tile, data: bytes });
      });
      return indexes.map((storedIndex) => {
        const { tile } = tileForStoredHash(storedIndex);
        const entry = byKey.get(tileKey(tile))!;
        return hashFromTile(entry.tile, entry.data, storedIndex);
      });
    },
  };
}

/** Stored-hash indexes whose hashes, concatenated, are the content of `tile` (to serve tiles from stored hashes). */
export function tileContentIndexes(tile: Tile): number[] {
  const out: number[] = [];
  const treeLevel = tile.level * TILE_HEIGHT;
  for (let i = 0; i < tile.width; i++) out.push(storedHashIndex(treeLevel, tile.index * TILE_WIDTH + i));
  return out;
}

/** Content of `tile`, read from stored hashes (one readHashes call). */
export async function readTileFromStoredHashes(tile: Tile, reader: HashReader): Promise<Uint8Array> {
  const hashes = await reader.readHashes(tileContentIndexes(tile));
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => out.set(h, i * HASH_SIZE));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entry bundles: each entry is a big-endian uint16 length followed by the entry bytes.

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length > TILE_WIDTH) throw new RangeError('an entry bundle holds at most 256 entries');
  let total = 0;
  for (const e of entries) {
    if (e.length > 0xffff) throw new RangeError('entries are at most 65535 bytes');
    total += 2 + e.length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const e of entries) {
    out[offset] = e.length >> 8;
    out[offset + 1] = e.length & 0xff;
    out.set(e, offset + 2);
    offset += 2 + e.length;
  }
  return out;
}

export function parseEntryBundle(data: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (offset + 2 > data.length) throw new SyntaxError('truncated entry length');
    const length = (data[offset]! << 8) | data[offset + 1]!;
    if (offset + 2 + length > data.length) throw new SyntaxError('truncated entry');
    entries.push(data.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  if (entries.length > TILE_WIDTH) throw new SyntaxError('more than 256 entries in a bundle');
  return entries;
}
