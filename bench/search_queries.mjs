// Turns a sample of the catalogue (lines "title<TAB>artist" on stdin) into the query mix of
// bench/search.sh, written as open_loop.mjs request lines on stdout: prefixes of 1-4 letters
// as typed, whole words, two words across fields, one-typo words, words typed without their
// accents, and substrings of titles in scripts written without spaces. With --sql ENGINE it
// writes the same queries instead as the baseline a user might pick: LIKE '%word%' for each word over
// titles and artist names, ranked by plays (ENGINE: sqlite or postgres, one statement per line).
import fs from 'node:fs';

const engine = process.argv[2] === '--sql' ? process.argv[3] : null;
const rows = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
const cjk = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u;
const words = (s) => s.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0 && !cjk.test(w));
const plain = (s) => s.normalize('NFD').replace(/\p{M}/gu, '');
const lower = (s) => s.toLocaleLowerCase('en');

function typo(word, i) {
  const at = 1 + (i % (word.length - 2));
  return i % 2 ? word.slice(0, at) + word.slice(at + 1) : word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
}

const queries = [];  // [group, text]
rows.forEach(([title, artist], i) => {
  const tw = words(title);
  const aw = words(artist ?? '');
  const first = tw[0];
  if (first) queries.push([`prefix-${1 + (i % 4)}`, lower(first).slice(0, 1 + (i % 4))]);
  const long = tw.find((w) => w.length >= 4);
  if (long) queries.push(['word', lower(long)]);
  if (long && aw[0]) queries.push(['two-words', `${lower(aw[0])} ${lower(long)}`]);
  const five = [...tw, ...aw].find((w) => w.length >= 6 && plain(w) === w);
  if (five) queries.push(['typo', typo(lower(five), i)]);
  const accented = [...tw, ...aw].find((w) => plain(w) !== w && w.length >= 3);
  if (accented) queries.push(['accent', lower(plain(accented))]);
  const han = [...title].filter((c) => cjk.test(c));
  if (han.length >= 3) queries.push(['cjk', han.slice(1, 3).join('')]);
});

function sqlLiteral(s) { return `'${s.replaceAll("'", "''")}'`; }
for (const [group, text] of queries) {
  if (engine) {
    const cmp = engine === 'postgres' ? 'ILIKE' : 'LIKE';
    const each = text.split(' ').map((w) => sqlLiteral(`%${w}%`))
      .map((like) => `(t.title ${cmp} ${like} OR ar.name ${cmp} ${like})`).join(' AND ');
    console.log(`${group}\tSELECT t.id, t.title, ar.name FROM tracks t JOIN albums al ON al.id = t.album_id ` +
      `JOIN artists ar ON ar.id = al.artist_id WHERE t.status = 'ready' AND ${each} ` +
      `ORDER BY t.play_count DESC LIMIT 10;`);
  } else {
    console.log(JSON.stringify({ group, path: `/api/v1/search?q=${encodeURIComponent(text)}&limit=10` }));
  }
}
