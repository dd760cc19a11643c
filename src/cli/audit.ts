// `rampart audit SCENARIO`: every check, in text, JSON, SARIF 2.1.0 or OCSF; `--config-rules` answers the AWS
// Config managed rules. Exit status: 0 clean, 1 findings at or above the threshold (or NON_COMPLIANT
// resources), 2 bad input or tool error.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EPHEMERAL_PORTS, NetParseError } from '../net/index.js';
import { AwsError } from '../model/errors.js';
import { loadScenario, ScenarioError } from '../scenario/load.js';
import { audit, DEFAULT_FAIL_ON } from '../audit/index.js';
import { CHECKS } from '../audit/catalog.js';
import { AuditConfigError, makeBaseline, parseAuditConfig, parseBaseline, parseFailOn, parsePortList, parseSuppressFlag, type AuditConfig } from '../audit/config.js';
import { CONFIG_RULES, evaluateConfigRules } from '../audit/config-rules.js';
import { formatJson, formatOcsf, formatSarif, formatText, type ReportContext } from '../audit/output.js';
import { makeStyle } from './format.js';

interface AuditFlags {
  format: string;
  output?: string;
  config?: string;
  allowedPorts?: string;
  failOn?: string;
  suppress: string[];
  baseline?: string;
  writeBaseline?: string;
  only?: string;
  skip?: string;
  ephemeral?: string;
  listChecks?: boolean;
  configRules?: boolean;
  configRule: string[];
  ruleParam: string[];
  color?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new AuditConfigError(`cannot read ${what} '${path}'`);
  }
}

function ephemeralOf(v: string): { lo: number; hi: number } {
  if (v in EPHEMERAL_PORTS) return EPHEMERAL_PORTS[v as keyof typeof EPHEMERAL_PORTS];
  const m = /^(\d+)-(\d+)$/.exec(v);
  if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) > 65535) throw new AuditConfigError(`--ephemeral: expected linux, windows, windows2003, aws or LO-HI, not '${v}'`);
  return { lo: Number(m[1]), hi: Number(m[2]) };
}

function ids(v: string | undefined, what: string): string[] | undefined {
  if (v === undefined) return undefined;
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of list) if (!CHECKS.some((c) => c.id === id)) throw new AuditConfigError(`${what}: unknown check '${id}' (see --list-checks)`);
  return list;
}

function emit(text: string, output: string | undefined): void {
  if (output) {
    try {
      writeFileSync(output, text.endsWith('\n') ? text : text + '\n');
    } catch (e) {
      throw new AuditConfigError(`cannot write '${output}': ${e instanceof Error ? e.message : String(e)}`);
    }
  } else process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

export function runAudit(scenarioPath: string | undefined, flags: AuditFlags): number {
  if (flags.listChecks) {
    emit(CHECKS.map((c) => `${c.id}  ${c.severity.padEnd(8)} ${c.name.padEnd(28)} ${c.title}`).join('\n'), flags.output);
    return 0;
  }
  if (!scenarioPath) throw new AuditConfigError('audit: name a scenario file (or use --list-checks)');
  const cfg: AuditConfig = flags.config ? parseAuditConfig(read(flags.config, 'configuration file'), flags.config) : { suppressions: [], ruleParams: {} };
  for (const p of flags.ruleParam) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new AuditConfigError(`--rule-param ${p}: expected NAME=VALUE`);
    cfg.ruleParams[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const format = flags.format;
  const formats = flags.configRules ? ['text', 'json'] : ['text', 'json', 'sarif', 'ocsf'];
  if (!formats.includes(format)) throw new AuditConfigError(`--format: expected ${formats.join(', ')}, not '${format}'`);
  const s = loadScenario(read(scenarioPath, 'scenario file'), scenarioPath);

  if (flags.configRules) {
    const evals = evaluateConfigRules(s.region, cfg.ruleParams, flags.configRule.length ? flags.configRule : undefined);
    const bad = evals.filter((e) => e.complianceType === 'NON_COMPLIANT');
    if (format === 'json') emit(JSON.stringify({ evaluations: evals, nonCompliant: bad.length, parameters: cfg.ruleParams }, null, 2), flags.output);
    else {
      const lines: string[] = [];
      for (const rule of CONFIG_RULES) {
        const list = evals.filter((e) => e.configRuleName === rule);
        if (list.length === 0) continue;
        const n = (t: string) => list.filter((e) => e.complianceType === t).length;
        lines.push(`${rule}: ${n('NON_COMPLIANT')} NON_COMPLIANT, ${n('COMPLIANT')} COMPLIANT, ${n('NOT_APPLICABLE')} NOT_APPLICABLE`);
        for (const e of list) {
          const name = s.names.nameOf(e.resourceId);
          lines.push(`  ${e.complianceType.padEnd(14)} ${name ? `${name} (${e.resourceId})` : e.resourceId}: ${e.annotation}`);
        }
      }
      emit(lines.join('\n'), flags.output);
    }
    return bad.length ? 1 : 0;
  }

  const allowedPorts = flags.allowedPorts !== undefined ? parsePortList(flags.allowedPorts, '--allowed-ports') : cfg.allowedPorts;
  const failOn = flags.failOn !== undefined ? parseFailOn(flags.failOn, '--fail-on') : (cfg.failOn ?? DEFAULT_FAIL_ON);
  const suppressions = [...cfg.suppressions, ...flags.suppress.map(parseSuppressFlag)];
  const baseline = flags.baseline ? parseBaseline(read(flags.baseline, 'baseline file'), flags.baseline) : undefined;
  const eph = flags.ephemeral ?? cfg.ephemeral;
  const result = audit(s.region, {
    allowedPorts, failOn, suppressions, baseline, nameOf: (id) => s.names.nameOf(id),
    only: ids(flags.only, '--only') ?? cfg.only, skip: ids(flags.skip, '--skip') ?? cfg.skip,
    ephemeral: eph ? ephemeralOf(eph) : undefined,
  });
  if (flags.writeBaseline) {
    try {
      writeFileSync(flags.writeBaseline, JSON.stringify(makeBaseline(result.findings), null, 2) + '\n');
    } catch (e) {
      throw new AuditConfigError(`cannot write '${flags.writeBaseline}': ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const ctx: ReportContext = { source: scenarioPath, accountId: s.region.accountId, region: s.region.name, failOn: result.failOn, failing: result.failing, baseline: baseline !== undefined };
  if (format === 'json') emit(JSON.stringify(formatJson(result.findings, ctx), null, 2), flags.output);
  else if (format === 'sarif') emit(JSON.stringify(formatSarif(result.findings, ctx), null, 2), flags.output);
  else if (format === 'ocsf') emit(JSON.stringify(formatOcsf(result.findings, ctx), null, 2), flags.output);
  else {
    const color = flags.color !== false && !flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
    const st = makeStyle(color);
    emit(formatText(result.findings, ctx, { bad: st.bad, dim: st.dim }), flags.output);
  }
  return result.failing.length ? 1 : 0;
}

export function registerAudit(program: Command, run: (f: () => number) => void): void {
  program
    .command('audit')
    .description('audit security groups, network ACLs and exposure: every check with a stable id, severity by real reachability (exit 0 clean, 1 findings at or above --fail-on, 2 bad input)')
    .argument('[scenario]', 'scenario file (YAML or JSON)')
    .option('--format <format>', 'text, json, sarif (SARIF 2.1.0) or ocsf (OCSF Detection Finding)', 'text')
    .option('-o, --output <file>', 'write the report to a file')
    .option('--config <file>', 'configuration file (YAML or JSON): allowedPorts, failOn, checks {only, skip}, suppressions, configRules, ephemeral')
    .option('--allowed-ports <list>', 'ports allowed open to the whole internet, e.g. 80,443,8000-8010 (default 80,443)')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: critical, high, medium, low, info, none (default ${DEFAULT_FAIL_ON})`)
    .option('--suppress <spec>', 'CHECK:RESOURCE[:RULE]=REASON (repeatable; the reason is mandatory)', collect, [])
    .option('--baseline <file>', 'compare with a baseline: only new findings fail the run')
    .option('--write-baseline <file>', 'write the current findings as a baseline')
    .option('--only <ids>', 'only these checks (comma-separated ids)')
    .option('--skip <ids>', 'skip these checks (comma-separated ids)')
    .option('--ephemeral <range>', 'client ports responses must return to: linux (default), windows, windows2003, aws, LO-HI')
    .option('--list-checks', 'list every check with its id and default severity')
    .option('--config-rules', 'answer the AWS Config managed rules instead (COMPLIANT / NON_COMPLIANT / NOT_APPLICABLE per resource)')
    .option('--config-rule <name>', `with --config-rules: only this rule (repeatable): ${CONFIG_RULES.join(', ')}`, collect, [])
    .option('--rule-param <name=value>', 'AWS Config rule parameter, e.g. blockedPort1=8080, authorizedTcpPorts=443,1020-1025 (repeatable)', collect, [])
    .option('--no-color', 'no colours')
    .action((scenario: string | undefined, opts: AuditFlags) => run(() => {
      try {
        return runAudit(scenario, opts);
      } catch (e) {
        if (e instanceof AuditConfigError || e instanceof ScenarioError || e instanceof NetParseError) process.stderr.write(`rampart: ${e.message}\n`);
        else if (e instanceof AwsError) process.stderr.write(`rampart: ${e.code}: ${e.message}\n`);
        else process.stderr.write(`rampart: audit failed: ${e instanceof Error ? e.message : String(e)}\n`);
        return 2;
      }
    }));
}
