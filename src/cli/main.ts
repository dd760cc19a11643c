// The `rampart` command.
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { EPHEMERAL_PORTS, NetParseError, PROTO_TCP } from '../net/index.js';
import { AwsError } from '../model/errors.js';
import { Engine } from '../engine/engine.js';
import { probe } from '../engine/probe.js';
import { loadScenario, ScenarioError, type LoadedScenario } from '../scenario/load.js';
import { simulate, type TimelineEvent } from '../scenario/simulate.js';
import { generateEstate } from '../scenario/generate.js';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../server/serve.js';
import { parseCredentials } from '../server/sigv4.js';
import { parseTarget, TargetError } from '../scenario/targets.js';
import { Formatter, makeStyle, toJson, type Style } from './format.js';
import { registerEvents } from './events.js';
import { registerTraffic } from './traffic.js';
import { registerReplay } from './replay.js';
import { registerUsage } from './usage.js';
import { registerAudit } from './audit.js';
import { registerImport } from './import.js';
import { openReachSource, openScenario, reachCan, reachDiff, reachExposure, reachMatrix, reachWhat, reachWho } from './reach.js';

const VERSION = '0.1.0';

/** Exit statuses: 0 reachable / success, 1 not reachable, 2 bad input. */
class UsageError extends Error {}

function examplesDir(): string {
  // dist/src/cli/main.js or src/cli/main.ts -> <package>/examples
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../..']) {
    const d = resolve(here, up, 'examples');
    if (existsSync(d)) return d;
  }
  return resolve(here, '../../examples');
}

function readScenario(path: string): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read scenario file '${path}'`);
  }
  return loadScenario(text, path);
}

function styleFor(opts: { color?: boolean }): Style {
  const color = opts.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
  return makeStyle(color);
}

function parseEphemeral(v: string): { lo: number; hi: number } {
  if (v in EPHEMERAL_PORTS) return EPHEMERAL_PORTS[v as keyof typeof EPHEMERAL_PORTS];
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (!m) throw new UsageError(`--ephemeral: expected linux, windows, windows2003, aws, PORT or LO-HI, not '${v}'`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > hi || hi > 65535) throw new UsageError(`--ephemeral: '${v}' is not a port range`);
  return { lo, hi };
}

function runProbe(scenarioPath: string, opts: { from: string; to: string; json?: boolean; ipv6?: boolean; ephemeral?: string; color?: boolean }): number {
  const s = readScenario(scenarioPath);
  const from = parseTarget(opts.from, s.names, s.region);
  const to = parseTarget(opts.to, s.names, s.region);
  const protocol = to.protocol ?? PROTO_TCP;
  if ((protocol === 6 || protocol === 17) && to.port === undefined) throw new UsageError(`--to ${opts.to}: say which port, e.g. ${opts.to}:443/tcp`);
  const engine = new Engine(s.region);
  const r = probe(engine, {
    from: from.endpoint, to: to.endpoint, protocol, port: to.port, icmpType: to.icmpType,
    family: opts.ipv6 ? 6 : undefined, ephemeral: opts.ephemeral ? parseEphemeral(opts.ephemeral) : undefined,
  });
  if (opts.json) {
    process.stdout.write(toJson({
      reachable: r.reachable, from: from.label, to: to.label, request: r.request,
      forward: r.forward, response: r.response, returnPorts: r.returnPorts?.format(), ephemeral: r.ephemeral,
      explanations: r.explanations,
    }) + '\n');
  } else {
    const f = new Formatter(s.region, s.names, styleFor(opts));
    process.stdout.write(f.probe(r, from.label, to.label) + '\n');
  }
  return r.reachable ? 0 : 1;
}

function eventLine(f: Formatter, e: TimelineEvent, verbose: boolean): string {
  const s = f.style;
  const t = s.dim(`t=${String(e.t).padStart(6)}s`);
  if (e.kind === 'note') return `${t}  ${s.bold(e.text)}`;
  if (e.kind === 'change') return `${t}  ${s.bold('change')}  ${e.text}`;
  const d = e.delivery;
  const how = d.hops.filter((h) => h.kind === 'security-groups' && h.allowed).map((h) => (h.byConnectionTracking ? 'conntrack' : h.tracked === false ? 'untracked' : 'rules')).join('/');
  const verdict = d.allowed
    ? s.ok(`✔ ${d.to?.kind === 'eni' ? `delivered to ${f.label(d.to.networkInterfaceId)}` : d.to?.kind === 'internet' ? 'out to the internet' : d.to?.kind === 'aws-service' ? `to ${d.to.name} (unfiltered)` : 'delivered'}`) + s.dim(how ? `  [${how}]` : '')
    : s.bad(`✘ dropped: ${d.explanations.map((x) => `${x.code} — ${x.message}`).join('; ')}`);
  const head = `${t}  ${e.from} → ${e.to}  ${f.packet(e.packet)}\n            ${verdict}`;
  return verbose ? `${head}\n${f.delivery(d, '              ')}` : head;
}

function runSimulate(scenarioPath: string, stepsPath: string, opts: { json?: boolean; verbose?: boolean; color?: boolean }): number {
  const s = readScenario(scenarioPath);
  let text: string;
  try {
    text = readFileSync(stepsPath, 'utf8');
  } catch {
    throw new UsageError(`cannot read timeline file '${stepsPath}'`);
  }
  const f = new Formatter(s.region, s.names, styleFor(opts));
  if (opts.json) {
    const sim = simulate(s, text, stepsPath);
    process.stdout.write(toJson(sim.events.map((e) => (e.kind === 'packet' ? { t: e.t, from: e.from, to: e.to, packet: e.packet, allowed: e.delivery.allowed, destination: e.delivery.to, explanations: e.delivery.explanations, flowEvents: e.delivery.flowEvents } : e))) + '\n');
    return 0;
  }
  if (s.description) process.stdout.write(`${f.style.bold(s.description)}\n\n`);
  simulate(s, text, stepsPath, (e) => process.stdout.write(eventLine(f, e, opts.verbose ?? false) + '\n'));
  return 0;
}

function runDemo(opts: { color?: boolean; verbose?: boolean }): number {
  const dir = examplesDir();
  const scenarioPath = join(dir, 'web-db.yaml');
  const s = readScenario(scenarioPath);
  const style = styleFor(opts);
  const f = new Formatter(s.region, s.names, style);
  const out = (x = '') => process.stdout.write(x + '\n');
  out(style.bold('rampart demo — the web server and database of the tutorial, decided packet by packet'));
  out(style.dim(`scenario: ${scenarioPath}`));
  out();
  const engine = new Engine(s.region);
  const questions: [string, string, string][] = [
    ['internet', 'web:443/tcp', 'HTTPS from anywhere reaches the web server'],
    ['203.0.113.7', 'web:22/tcp', 'SSH from the office (203.0.113.0/24) reaches it'],
    ['internet', 'web:22/tcp', 'SSH from elsewhere does not'],
    ['web', 'db:5432/tcp', 'the web tier reaches PostgreSQL (rule references the web group)'],
    ['web', 'db:22/tcp', 'but not SSH on the database'],
    ['internet', 'db:5432/tcp', 'and the database has no public address at all'],
  ];
  for (const [from, to, why] of questions) {
    const a = parseTarget(from, s.names, s.region);
    const b = parseTarget(to, s.names, s.region);
    const r = probe(engine, { from: a.endpoint, to: b.endpoint, protocol: b.protocol ?? PROTO_TCP, port: b.port });
    out(style.dim(`# ${why}`));
    out(f.probe(r, a.label, b.label));
    out();
  }
  out(style.bold('Stateful security groups, stateless network ACLs — a timeline:'));
  simulate(s, readFileSync(join(dir, 'web-db.timeline.yaml'), 'utf8'), join(dir, 'web-db.timeline.yaml'), (e) => out(eventLine(f, e, opts.verbose ?? false)));
  return 0;
}

function runValidate(scenarioPath: string): number {
  const s = readScenario(scenarioPath);
  const r = s.region;
  const count = (m: Map<string, unknown>) => m.size;
  process.stdout.write(
    `${scenarioPath}: ok — ${count(r.vpcs)} VPCs, ${count(r.subnets)} subnets, ${count(r.securityGroups)} security groups (${count(r.securityGroupRules)} rules), ` +
      `${count(r.networkAcls)} network ACLs, ${count(r.routeTables)} route tables, ${count(r.networkInterfaces)} network interfaces, ${count(r.instances)} instances\n`,
  );
  return 0;
}

export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command();
  const run = (f: () => number) => {
    try {
      exit(f());
    } catch (e) {
      exit(reportError(e));
    }
  };
  program
    .name('rampart')
    .description('AWS VPC network security on your own machine: security groups and network ACLs, enforced packet by packet.')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();
  program
    .command('probe')
    .description('can one endpoint reach another? prints the verdict and the path, hop by hop (exit 0 reachable, 1 not, 2 bad input)')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption('--from <endpoint>', 'source: a name from the scenario, an id (eni-…, i-…), an address, or internet')
    .requiredOption('--to <endpoint>', 'destination with port and protocol: db:5432/tcp, web:443, db:icmp, internet, 198.51.100.7:443/tcp')
    .option('--ipv6', 'use IPv6 addresses')
    .option('--ephemeral <range>', 'client ephemeral ports the response must return to: linux (32768-61000), windows, windows2003, aws, or LO-HI', 'linux')
    .option('--json', 'machine-readable output')
    .option('--no-color', 'no colours')
    .action((scenario: string, opts) => run(() => runProbe(scenario, opts)));
  program
    .command('simulate')
    .description('play a timeline of packets, rule changes and waits, and print each packet\'s fate')
    .argument('<scenario>', 'scenario file')
    .argument('<timeline>', 'timeline file: a list of steps (send, reply, connect, ping, wait, at, authorize, revoke, nacl, note)')
    .option('-v, --verbose', 'print every hop of every packet')
    .option('--json', 'machine-readable output')
    .option('--no-color', 'no colours')
    .action((scenario: string, steps: string, opts) => run(() => runSimulate(scenario, steps, opts)));
  program
    .command('demo')
    .description('the tutorial\'s web server and database, end to end: probes, then a stateful/stateless timeline')
    .option('-v, --verbose', 'print every hop of every packet in the timeline')
    .option('--no-color', 'no colours')
    .action((opts) => run(() => runDemo(opts)));
  program
    .command('validate')
    .description('load a scenario, check every AWS invariant, and summarise it')
    .argument('<scenario>', 'scenario file')
    .action((scenario: string) => run(() => runValidate(scenario)));
  const reach = program.command('reach').description('questions about all packets at once: can, who, what, exposure, matrix, diff');
  const common = (c: Command) =>
    c.option('--ipv6', 'IPv6 instead of IPv4').option('--ephemeral <range>', 'client ephemeral ports responses must return to (linux, windows, windows2003, aws, LO-HI)', 'linux').option('--json', 'machine-readable output').option('--no-color', 'no colours');
  const ctx = (path: string, opts: { color?: boolean; ephemeral?: string }) => openScenario(path, styleFor(opts), opts.ephemeral ? parseEphemeral(opts.ephemeral) : undefined);
  const print = (text: string) => process.stdout.write(text + '\n');
  common(reach.command('can').description('can SOURCE reach TARGET? with a port: the verdict and path; without: every port of every protocol (exit 0 yes, 1 no)'))
    .argument('<scenario>').argument('<source>').argument('<target>', 'e.g. db, db:5432/tcp')
    .action((scenario: string, source: string, target: string, opts) => run(() => {
      const r = reachCan(ctx(scenario, opts), source, target, opts);
      print(r.text);
      return r.status;
    }));
  common(reach.command('who').description('who can reach TARGET: interfaces grouped by role, and internet sources, with their ports'))
    .argument('<scenario>').argument('<target>')
    .action((scenario: string, target: string, opts) => run(() => (print(reachWho(ctx(scenario, opts), target, opts)), 0)));
  common(reach.command('what').description('what SOURCE can reach: interfaces grouped by role, and the internet, with their ports'))
    .argument('<scenario>').argument('<source>')
    .action((scenario: string, source: string, opts) => run(() => (print(reachWhat(ctx(scenario, opts), source, opts)), 0)));
  common(reach.command('exposure').description('every interface reachable from the internet: ports, sources, public address, gateway, rules; severity by real reachability'))
    .argument('<scenario>')
    .action((scenario: string, opts) => run(() => (print(reachExposure(ctx(scenario, opts), opts)), 0)));
  common(reach.command('matrix').description('who talks to whom: all pairs, aggregated by role (groups @ subnet)'))
    .argument('<scenario>')
    .action((scenario: string, opts) => run(() => (print(reachMatrix(ctx(scenario, opts), opts)), 0)));
  common(reach.command('diff').description('what a change opens or closes: between two scenario files, two snapshots of a served estate (DIR@TIME), or a configuration and a proposed change (--change) (exit 0 no change, 1 changes)'))
    .argument('<before>', 'a scenario file, a rampart serve data directory (its state now), or DIR@TIME (its state then: ISO 8601, or 2h, 7d … ago)')
    .argument('[after]', 'the same kinds; default: BEFORE again (with --change)')
    .option('--change <file>', 'timeline steps (authorize, revoke, nacl) applied to AFTER: the proposed change')
    .option('--account <id>', 'with a data directory: the account', '123456789012')
    .option('--region <name>', 'with a data directory: the Region', 'us-east-1')
    .action((before: string, after: string | undefined, opts) => run(() => {
      if (after === undefined && opts.change === undefined) throw new TargetError('give AFTER, or --change FILE to compare BEFORE with a proposed change');
      let change: { text: string; file: string } | undefined;
      if (opts.change !== undefined) {
        try {
          change = { text: readFileSync(opts.change, 'utf8'), file: opts.change };
        } catch {
          throw new TargetError(`cannot read change file '${opts.change}'`);
        }
      }
      const open = (spec: string, withChange?: { text: string; file: string }) =>
        openReachSource(spec, styleFor(opts), opts.ephemeral ? parseEphemeral(opts.ephemeral) : undefined, { account: opts.account, region: opts.region, change: withChange });
      const r = reachDiff(open(before), open(after ?? before, change), opts);
      print(r.text);
      return r.status;
    }));
  program
    .command('generate')
    .description('write a realistic synthetic estate as a scenario file (tiers, services, group references, peerings, order-dependent NACLs, some mistakes)')
    .option('--enis <n>', 'network interfaces', '1000')
    .option('--seed <n>', 'random seed (the same seed gives the same estate)', '1')
    .option('--vpcs <n>', 'VPCs (default: about one per 2,500 interfaces)')
    .option('--groups <n>', 'security groups (default: about enis/4, at most 2,500)')
    .option('--max-rules <n>', 'rules per group, per direction and family (at most 60)')
    .option('--nacls <n>', 'custom network ACLs (default: about enis/50)')
    .option('--no-peering', 'no VPC peering')
    .option('--no-mistakes', 'no deliberate mistakes')
    .option('--ipv6', 'IPv6 blocks, addresses and rules')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action((opts) => run(() => {
      const int = (v: string | undefined, name: string): number | undefined => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}: expected a positive whole number, not '${v}'`);
        return n;
      };
      const text = generateEstate({
        enis: int(opts.enis, 'enis'), seed: int(opts.seed, 'seed'), vpcs: int(opts.vpcs, 'vpcs'), groups: int(opts.groups, 'groups'),
        maxRulesPerGroup: int(opts.maxRules, 'max-rules'), nacls: int(opts.nacls, 'nacls'), peering: opts.peering, mistakes: opts.mistakes, ipv6: opts.ipv6 ?? false,
      });
      if (opts.output) writeFileSync(opts.output, text);
      else process.stdout.write(text);
      return 0;
    }));
  program
    .command('serve')
    .description('serve the EC2 Query API (and STS GetCallerIdentity) for the AWS CLI, SDKs, Terraform and moto-style test suites')
    .addOption(new Option('--port <n>', 'port to listen on').env('RAMPART_PORT').default(String(DEFAULT_PORT)))
    .addOption(new Option('--host <address>', 'address to listen on').env('RAMPART_HOST').default(DEFAULT_HOST))
    .addOption(new Option('--data-dir <dir>', 'where the state lives (SQLite journal and events.jsonl)').env('RAMPART_DATA_DIR').default('.rampart'))
    .option('--in-memory', 'keep nothing: state lives and dies with the process')
    .option('--durable', 'sync every call to disk, surviving power loss (by default calls survive any crash of the process)')
    .addOption(new Option('--credentials <keys>', 'strict mode: accept only these keys with valid SigV4 signatures, as AKID:SECRET[:ACCOUNT],… (others get AuthFailure)').env('RAMPART_CREDENTIALS'))
    .action((opts) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        exit(reportError(new UsageError(`--port: '${opts.port}' is not a port number`)));
        return;
      }
      let credentials;
      try {
        credentials = opts.credentials ? parseCredentials(opts.credentials) : undefined;
      } catch (e) {
        exit(reportError(new UsageError(e instanceof Error ? e.message : String(e))));
        return;
      }
      const t0 = performance.now();
      startServer({ port, host: opts.host, dataDir: opts.inMemory ? undefined : opts.dataDir, inMemory: opts.inMemory ?? false, durable: opts.durable ?? false, credentials })
        .then((s) => {
          process.stdout.write(`rampart ${VERSION} serving the EC2 API at ${s.url} (ready in ${(performance.now() - t0).toFixed(0)} ms)\n`);
          process.stdout.write(`data: ${s.dataLocation}${s.replayed ? ` (${s.replayed} calls replayed)` : ''}\n`);
          if (credentials) process.stdout.write(`strict: SigV4 signatures verified for ${credentials.length} key(s)\n`);
          process.stdout.write(`try: aws ec2 describe-vpcs --endpoint-url ${s.url} --region us-east-1\n`);
          const stop = () => {
            void s.close().then(() => process.exit(0));
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        })
        .catch((e: unknown) => {
          process.exitCode = reportError(new UsageError(`cannot serve on ${opts.host}:${port}: ${e instanceof Error ? e.message : String(e)}`));
        });
    });
  registerEvents(program, run);
  registerReplay(program, run);
  registerUsage(program, run);
  registerTraffic(program, run);
  registerAudit(program, run);
  registerImport(program, run);
  program.addOption(new Option('--debug', 'print stack traces of internal errors').hideHelp());
  return program;
}

function reportError(e: unknown): number {
  if (e instanceof ScenarioError || e instanceof TargetError || e instanceof UsageError || e instanceof NetParseError) {
    process.stderr.write(`rampart: ${e.message}\n`);
    return 2;
  }
  if (e instanceof AwsError) {
    process.stderr.write(`rampart: ${e.code}: ${e.message}\n`);
    return 2;
  }
  process.stderr.write(`rampart: internal error: ${e instanceof Error ? (process.argv.includes('--debug') ? e.stack : e.message) : String(e)}\n`);
  return 3;
}

/** Runs the command line; resolves to the exit status. */
export function main(argv: string[]): number {
  let status = 0;
  const program = buildProgram((code) => {
    status = code;
  });
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(e);
  }
  return status;
}
