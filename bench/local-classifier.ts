/**
 * The local classifier on CLINC150 (Larson et al., 2019, CC BY 3.0): trained on the 15,000 in-scope
 * `train` rows (early stopping on the 3,000 `val` rows), scored on the 4,500 in-scope `test` rows, beside
 * scikit-learn 1.2.1's LinearSVC over TF-IDF word 1–2 + char 2–5-grams on the same split. It goes
 * through the product's own path: train, encode, write content-addressed, load the file back, predict.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { loadLocalModel, saveLocalModel } from '../src/training/local/model.js';
import { type LabelledText, trainLocalClassifier } from '../src/training/local/train.js';

const BASELINE = { accuracy: 0.927, train_s: 9.6, note: 'scikit-learn 1.2.1 LinearSVC, TF-IDF word 1–2 + char 2–5' };
const TARGETS = { accuracy: 0.927, train_s: 30, rss_mb: 500, p95_ms: 2 };

type Row = [string, string];
const args = process.argv.slice(2);
const withOos = args.includes('--oos');
const dataFile = args.find((a) => !a.startsWith('--')) ?? path.resolve('../shared/data/clinc150/data_full.json');
const { readFile } = await import('node:fs/promises');
type Split = 'train' | 'val' | 'test' | 'oos_train' | 'oos_val' | 'oos_test';
const data = JSON.parse(await readFile(dataFile, 'utf8')) as Record<Split, Row[]>;
const rows = (split: Row[]): LabelledText[] => split.map(([input, label]) => ({ input, label }));
const [train, validation, test] = [rows(data.train), rows(data.val), rows(data.test)];

const cpuBefore = process.cpuUsage();
const trained = trainLocalClassifier(train, validation, {
  seed: 1,
  training_sha256: 'clinc150-full-train',
  validation_sha256: 'clinc150-full-val',
});
const cpu = process.cpuUsage(cpuBefore);
const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-local-model-'));
try {
  const saved = await saveLocalModel(dir, trained.text, trained.train_ms);
  const model = await loadLocalModel(saved.path);
  const latencies = new Float64Array(test.length);
  let right = 0;
  test.forEach((row, i) => {
    const started = performance.now();
    const label = model.predict(row.input);
    latencies[i] = performance.now() - started;
    if (label === row.label) right++;
  });
  latencies.sort();
  const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
  const accuracy = right / test.length;
  const trainS = trained.train_ms / 1000;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const p95 = quantile(0.95);
  const size = (await stat(saved.path)).size;
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  const lines = [
    'Local classifier on CLINC150 "Full" (Larson et al., 2019: An Evaluation Dataset for Intent Classification and',
    'Out-of-Scope Prediction, EMNLP-IJCNLP; data CC BY 3.0) — train 15,000 in-scope rows, test 4,500 in-scope rows',
    '',
    `                         tunegate local          baseline (${BASELINE.note})   target`,
    `test accuracy            ${`${(accuracy * 100).toFixed(2)}%`.padEnd(22)}  ${(BASELINE.accuracy * 100).toFixed(1)}%${''.padEnd(56)}≥ ${(TARGETS.accuracy * 100).toFixed(1)}%  ${mark(accuracy >= TARGETS.accuracy)}`,
    `training (wall)          ${`${trainS.toFixed(1)} s`.padEnd(22)}  ${BASELINE.train_s} s${''.padEnd(56)}< ${TARGETS.train_s} s  ${mark(trainS < TARGETS.train_s)}`,
    `peak RSS                 ${`${rssMb.toFixed(0)} MB`.padEnd(22)}  —${''.padEnd(61)}< ${TARGETS.rss_mb} MB  ${mark(rssMb < TARGETS.rss_mb)}`,
    `predict p95 (in-process) ${`${p95.toFixed(3)} ms`.padEnd(22)}  —${''.padEnd(61)}< ${TARGETS.p95_ms} ms  ${mark(p95 < TARGETS.p95_ms)}`,
    '',
    `test accuracy ${right}/${test.length}; validation accuracy (early stopping, 3,000 val rows) ${((trained.validation_accuracy ?? 0) * 100).toFixed(2)}%`,
    `epochs ${trained.epochs_run}; training CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user+system); load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end`,
    `predict p50 ${quantile(0.5).toFixed(3)} ms, p99 ${quantile(0.99).toFixed(3)} ms; model ${model.metrics.features} features × ${model.metrics.labels} labels`,
    `model file ${(size / 1e6).toFixed(2)} MB (${saved.id})`,
  ];
  console.log(lines.join('\n'));
  if (withOos) await outOfScope();
} finally {
  await rm(dir, { recursive: true, force: true });
}

/**
 * --oos: the same training with CLINC150's 100 `oos_train` rows as a 151st label (and `oos_val` in the
 * validation split); in-scope accuracy on `test` and the oos label's recall on the 1,000 `oos_test` rows.
 */
async function outOfScope(): Promise<void> {
  const trainedOos = trainLocalClassifier([...train, ...rows(data.oos_train)], [...validation, ...rows(data.oos_val)], {
    seed: 1,
    training_sha256: 'clinc150-full-train+oos',
    validation_sha256: 'clinc150-full-val+oos',
  });
  const oosDir = await mkdtemp(path.join(tmpdir(), 'tunegate-local-model-oos-'));
  try {
    const model = await loadLocalModel((await saveLocalModel(oosDir, trainedOos.text, trainedOos.train_ms)).path);
    const inScope = test.filter((row) => model.predict(row.input) === row.label).length;
    const oos = rows(data.oos_test).filter((row) => model.predict(row.input) === 'oos').length;
    console.log(
      `\nwith an oos label (100 oos_train rows): in-scope test accuracy ${((inScope / test.length) * 100).toFixed(2)}% ` +
        `(${inScope}/${test.length}), oos recall ${((oos / data.oos_test.length) * 100).toFixed(1)}% ` +
        `(${oos}/${data.oos_test.length}), training ${(trainedOos.train_ms / 1000).toFixed(1)} s`,
    );
  } finally {
    await rm(oosDir, { recursive: true, force: true });
  }
}
