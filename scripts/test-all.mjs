#!/usr/bin/env node
// `npm test`: lint, typecheck, build, unit + integration (Vitest), end-to-end (Playwright in
// Debian's Chromium), all inside one private D-Bus session with a real Secret Service.
// Ends with one line CI reads: `N passed, N failed` (checks count as one test each).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

if (process.platform === 'linux' && !process.env.KILN_KEYRING_READY) {
  const r = spawnSync('scripts/with-keyring.sh', [process.execPath, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const only = process.argv.slice(2);
const want = (step) => only.length === 0 || only.includes(step);
const bin = (name) => path.resolve('node_modules/.bin', name);
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${label}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r.status === 0;
}

function check(label, cmd, args) {
  if (run(label, cmd, args)) passed++;
  else {
    failed++;
    failures.push(label);
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

mkdirSync('test-results', { recursive: true });
if (want('lint')) check('lint', bin('eslint'), ['.', '--max-warnings=0']);
if (want('typecheck')) {
  check('typecheck (main, shared, tests)', bin('tsc'), ['-p', 'tsconfig.node.json']);
  check('typecheck (renderer)', bin('tsc'), ['-p', 'tsconfig.renderer.json']);
  check('typecheck (e2e)', bin('tsc'), ['-p', 'tsconfig.e2e.json']);
}
if (want('unit') || want('e2e')) check('build', process.execPath, ['scripts/build.mjs', '--quiet']);

if (want('unit')) {
  const report = 'test-results/unit-report.json';
  rmSync(report, { force: true });
  const ok = run('unit and integration tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { PIP_CONFIG_FILE: '/dev/null' });
  const r = readJson(report);
  if (r) {
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    if (r.numFailedTests > 0) failures.push(`vitest: ${r.numFailedTests} failed`);
    // A suite that failed to load has no tests to count; count it as a failure.
    const broken = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
    if (broken) {
      failed += broken;
      failures.push(`vitest: ${broken} file(s) failed to load`);
    }
  }
  if (!ok && !(r && (r.numFailedTests > 0 || r.testResults.some((s) => s.status === 'failed')))) {
    failed++;
    failures.push('vitest did not complete');
  }
}

if (want('e2e')) {
  const report = 'test-results/e2e-report.json';
  rmSync(report, { force: true });
  const ok = run('end-to-end tests (playwright)', bin('playwright'), ['test'], { PIP_CONFIG_FILE: '/dev/null' });
  const r = readJson(report);
  if (r?.stats) {
    passed += r.stats.expected + r.stats.flaky;
    failed += r.stats.unexpected;
    skipped += r.stats.skipped;
    if (r.stats.unexpected > 0) failures.push(`playwright: ${r.stats.unexpected} failed`);
    if (r.errors?.length) {
      failed += r.errors.length;
      failures.push(`playwright: ${r.errors.length} error(s) outside tests`);
    }
  }
  if (!ok && !(r?.stats && r.stats.unexpected > 0)) {
    failed++;
    failures.push('playwright did not complete');
  }
}

console.log('');
if (failures.length) console.log(`Failures: ${failures.join('; ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
