// Prints "<raw> <gzip> <brotli> <path>" for each path given (gzip -9, brotli quality 11),
// the sizes a static host serving pre-compressed files would send.
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

for (const path of process.argv.slice(1)) {
  const data = readFileSync(path);
  const gzip = gzipSync(data, { level: 9 }).length;
  const brotli = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  }).length;
  console.log(`${data.length} ${gzip} ${brotli} ${path}`);
}
