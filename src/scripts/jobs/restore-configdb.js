// @ts-check
/**
 * axon-deploy restore: put the consistent copy of a node's config database back.
 *
 * Runs once per restored `_admin` node, in a pod that mounts the node's restored data claim while
 * the node is stopped (README, "Restoring from a backup"). The snapshot of the data volume holds
 * a crash-consistent copy of the live config database and, beside it, the zips that
 * `POST /v1/backup/createControlDbBackup` wrote there (H2 `BACKUP TO`, `controldb<millis>.zip`,
 * in `controldb-backup-location`); AxonIQ says a live copy is not a safe backup, the zip is. The
 * newest zip is the backup run's own (the backup takes it right before the snapshots).
 *
 * Axon Server 2024.0 renamed the database file from `axonserver-controldb.mv.db` to
 * `axonserver-configdb.mv.db` ("Upgrading to Axon Server 2024.0.0"): the name inside the zip must
 * be the one the server reads, or the restored node would start on the crash-consistent copy
 * after all. The file is checked, never guessed: a mismatch fails with both names.
 *
 * Environment (built by the model: src/model/restore.ts, RestoreConfigDbEnv):
 *   RESTORE_DATA_DIR       the mounted data volume, /axonserver/data
 *   RESTORE_CONFIGDB_FILE  the file name the image's version reads; empty: the one on the volume
 *   RESTORE_NODE           the node, for messages
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const KNOWN_NAMES = ['axonserver-configdb.mv.db', 'axonserver-controldb.mv.db'];

/**
 * @typedef {{ name: string, method: number, compressedSize: number, offset: number }} ZipEntry
 */

/** The entries of a zip file (no ZIP64: a config database backup is small). */
function zipEntries(/** @type {Buffer} */ zip) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  /** @type {ZipEntry[]} */
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('broken zip central directory');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const compressedSize = zip.readUInt32LE(at + 20);
    if (compressedSize === 0xffffffff) throw new Error('ZIP64 archives are not supported');
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      compressedSize,
      offset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The bytes of one entry (stored or deflated). */
function entryData(/** @type {Buffer} */ zip, /** @type {ZipEntry} */ entry) {
  if (zip.readUInt32LE(entry.offset) !== 0x04034b50) throw new Error(`broken zip entry ${entry.name}`);
  const start = entry.offset + 30 + zip.readUInt16LE(entry.offset + 26) + zip.readUInt16LE(entry.offset + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method === 8) return zlib.inflateRawSync(data);
  throw new Error(`zip entry ${entry.name} uses compression method ${entry.method}`);
}

/** Restores the newest backup zip of `dir` into the config database file; returns what it did. */
function restoreConfigDb(/** @type {string} */ dir, /** @type {string} */ expected, /** @type {string} */ node) {
  const zips = fs
    .readdirSync(dir)
    .filter((f) => /^controldb\d+\.zip$/.test(f))
    .sort((a, b) => Number(a.slice(9, -4)) - Number(b.slice(9, -4)));
  const newest = zips[zips.length - 1];
  if (!newest) throw new Error(`no controldb<millis>.zip on the data volume of ${node}: the backup run took none here`);
  const onVolume = KNOWN_NAMES.filter((n) => fs.existsSync(path.join(dir, n)));
  const target = expected || onVolume[0];
  if (!target) {
    throw new Error(`neither ${KNOWN_NAMES.join(' nor ')} is on the data volume of ${node}: is this a data volume?`);
  }
  const zip = fs.readFileSync(path.join(dir, newest));
  const entries = zipEntries(zip);
  const entry = entries.find((e) => path.basename(e.name) === target);
  if (!entry) {
    throw new Error(
      `${newest} holds ${entries.map((e) => e.name).join(', ') || 'nothing'}, not ${target}, the file this Axon Server version reads` +
        ' (2024.0 renamed axonserver-controldb.mv.db to axonserver-configdb.mv.db): restore with an image of the version that took the backup',
    );
  }
  const file = path.join(dir, target);
  if (fs.existsSync(file)) fs.renameSync(file, `${file}.from-snapshot`);
  fs.writeFileSync(`${file}.restoring`, entryData(zip, entry));
  fs.renameSync(`${file}.restoring`, file);
  return `${node}: ${target} restored from ${newest} (the snapshot's copy kept as ${target}.from-snapshot)`;
}

if (require.main === module) {
  const env = process.env;
  try {
    console.log(
      restoreConfigDb(
        env.RESTORE_DATA_DIR || '/axonserver/data',
        env.RESTORE_CONFIGDB_FILE || '',
        env.RESTORE_NODE || 'the node',
      ),
    );
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`restore of the config database failed: ${message}`);
    try {
      fs.writeFileSync('/dev/termination-log', message);
    } catch {
      // not in a pod
    }
    process.exitCode = 1;
  }
}

module.exports = { restoreConfigDb, zipEntries };
