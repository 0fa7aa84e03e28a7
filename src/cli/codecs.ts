import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { systemClock } from '../cascade/clock.js';
import { connectLabRedis } from '../codec-lab/connect-lab-redis.js';
import { LARGE_PAYLOAD, SMALL_PAYLOAD, type LabPayload } from '../codec-lab/lab-payloads.js';
import { parseBandwidth, parseSizeList } from '../codec-lab/lab-units.js';
import { runCodecLab } from '../codec-lab/run-lab.js';
import { writeCodecsResult } from '../codec-lab/write-lab-result.js';
import type { TensorDtype } from '../codec/types.js';
import { badInput } from '../errors.js';
import { writeCodecsReport } from '../report/codecs-report.js';
import { machineInfo } from '../results/environment.js';
import { checkWritableDir } from '../results/output-dir.js';
import { loadScenario } from '../scenario/load.js';
import { formatCodecs } from './format-codecs.js';
import { readToolVersion } from './tool-version.js';

interface CodecsFlags {
  payload?: string;
  sizes: string;
  redis: string;
  bandwidth: string;
  out: string;
  report: string | false;
  quiet?: boolean;
  json?: boolean;
}

const DEFAULT_SIZES = '256B,1KB,4KB,16KB,64KB';

/**
 * `--payload`: `small`, `large`, or a scenario file whose feature sets are the payloads (and whose
 * codec.dtype the tensor rows use). Without it, both small and large.
 */
async function resolvePayloads(flag: string | undefined): Promise<{ payloads: LabPayload[]; dtype: TensorDtype }> {
  if (flag === undefined) return { payloads: [SMALL_PAYLOAD, LARGE_PAYLOAD], dtype: 'float32' };
  if (flag === 'small') return { payloads: [SMALL_PAYLOAD], dtype: 'float32' };
  if (flag === 'large') return { payloads: [LARGE_PAYLOAD], dtype: 'float32' };
  if (!/\.ya?ml$/i.test(flag) && !existsSync(flag)) {
    throw badInput(`--payload ${flag}: expected small, large or a scenario file (.yaml)`);
  }
  const loaded = await loadScenario(flag, { env: process.env });
  const scenario = loaded.variants[0]!.scenario;
  return { payloads: scenario.featureSets.map((set) => ({ name: set.name, spec: set.payload })), dtype: scenario.codec.dtype };
}

/** `fcbench codecs`: every format x compression on the team's payloads, the crossover, a result JSON and a report. */
export function registerCodecs(program: Command): void {
  program
    .command('codecs')
    .description('measure json, msgpack and tensor x every compression on your payloads; find where compression starts to pay')
    .option('--payload <which>', 'small | large | <scenario.yaml> (its feature sets); default: small and large')
    .option('--sizes <list>', 'sizes swept for the crossover, serialized msgpack bytes (K = 1024)', DEFAULT_SIZES)
    .option('--redis <url>', 'Redis for the SET + GET round trip and MEMORY USAGE; auto = REDIS_URL, else a private redis-server', 'auto')
    .option('--bandwidth <rate>', 'wire speed charged for the encoded bytes in the end-to-end cost', '10Gbit')
    .option('--out <dir>', 'directory for the result JSON', 'results')
    .option('--report <dir>', 'directory for the HTML report', 'reports')
    .option('--no-report', 'do not write an HTML report')
    .option('--quiet', 'print only the paths written')
    .option('--json', 'print the result document to stdout')
    .addHelpText(
      'after',
      `
Examples:
  fcbench codecs                                   # small and large payloads, default sweep, a private redis-server
  fcbench codecs --payload scenarios/quickstart.yaml --bandwidth 1Gbit
  fcbench codecs --payload large --sizes 1KB,8KB,32KB --no-report --json > codecs.json
  REDIS_URL=redis://127.0.0.1:6379 fcbench codecs --quiet

Measures every format (json, msgpack, tensor) x compression (none, deflate, gzip, zstd at levels
1 and 6/6/3, lz4) on each payload: encoded bytes, ratio, encode/decode ns per value (tinybench,
p50/p99 of batches, rme), and with a Redis the SET + GET round trip and MEMORY USAGE per key.
End-to-end cost = encode + decode + round trip + the encoded bytes twice over --bandwidth.
The crossover sweeps --sizes with msgpack and prints, per compressor, the serialized size above
which compressing lowers that cost: the codec.compressAbove to use.
These are lab figures (hot loop, warm caches); in-run decode times are higher, see the README.
Without any Redis the round-trip columns are omitted, with a note (not an error).
Exit codes: 0 ok, 2 bad input (--payload, --sizes, --bandwidth, a scenario file).`,
    )
    .action(async (flags: CodecsFlags) => {
      const sizes = parseSizeList(flags.sizes);
      const bandwidthBitsPerSec = parseBandwidth(flags.bandwidth);
      const { payloads, dtype } = await resolvePayloads(flags.payload);
      await checkWritableDir(flags.out, '--out');
      if (flags.report !== false) await checkWritableDir(flags.report, '--report');
      const session = await connectLabRedis(flags.redis, process.env);
      const machine = machineInfo();
      const showProgress = flags.quiet !== true && flags.json !== true && process.stderr.isTTY === true;
      let result;
      try {
        result = await runCodecLab(
          {
            payloads,
            sizes,
            bandwidthBitsPerSec,
            dtype,
            ...(process.env['FCBENCH_CODECS_TASK_MS'] === undefined ? {} : { budget: labBudget(process.env['FCBENCH_CODECS_TASK_MS']) }),
            onRow: showProgress ? (i, n, label) => process.stderr.write(`\rmeasuring ${i + 1}/${n} ${label}`.padEnd(60)) : undefined,
          },
          {
            redis: session.redis,
            redisInfo: session.info,
            notes: session.notes,
            clock: systemClock,
            toolVersion: readToolVersion(),
            env: { node: machine.node, platform: machine.platform, cpus: machine.cpus },
          },
        );
      } finally {
        if (showProgress) process.stderr.write('\r'.padEnd(61) + '\r');
        await session.close();
      }
      const resultPath = await writeCodecsResult(result, flags.out);
      const reportPath = flags.report === false ? null : await writeCodecsReport(result, flags.report);
      if (flags.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (flags.quiet !== true) process.stdout.write(`${formatCodecs(result)}\n`);
      const paths = [`result: ${resultPath}`, ...(reportPath === null ? [] : [`report: ${reportPath}`])];
      (flags.json === true ? process.stderr : process.stdout).write(`${paths.join('\n')}\n`);
    });
}

/** `FCBENCH_CODECS_TASK_MS=20`: a shorter tinybench budget per task (quick looks, the CLI tests). */
function labBudget(text: string): { taskTimeMs: number; warmupTimeMs: number } {
  const ms = Number(text);
  if (!(ms > 0)) throw badInput(`FCBENCH_CODECS_TASK_MS ${text}: expected a number of milliseconds > 0`);
  return { taskTimeMs: ms, warmupTimeMs: Math.max(1, ms / 4) };
}
