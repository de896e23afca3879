// An independent Kafka client reads what Cadenza's publisher wrote: kafkajs joins a consumer
// group on librdkafka's mock cluster (kept up by cadenza_kafka_interop_tool, KAFKA_INTEROP_TOOL)
// and must find every event on its topic, keyed as published, with the event id as a header,
// in the partition Java's partitioner picks for its key.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import kafkajs from 'kafkajs';

const { Kafka, Partitioners, logLevel } = kafkajs;
const tool = process.env.KAFKA_INTEROP_TOOL;

async function startCluster(events, keys) {
  const child = spawn(tool, [String(events), String(keys)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [first] = await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => { throw new Error(`interop tool exited with ${code}`); }),
  ]);
  return { child, ready: JSON.parse(first) };
}

test('kafkajs reads every published event back', { skip: !tool && 'KAFKA_INTEROP_TOOL is not set' }, async () => {
  const { child, ready } = await startCluster(300, 12);
  const kafka = new Kafka({ clientId: 'interop', brokers: ready.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'interop-readers' });
  const received = new Map();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [`${ready.prefix}listening`, `${ready.prefix}catalog`], fromBeginning: true });
    let resolveAll;
    const all = new Promise((resolve) => { resolveAll = resolve; });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const value = JSON.parse(message.value.toString());
        received.set(value.id, { topic, partition, key: message.key.toString(), value,
                                 header: message.headers.event_id?.toString(), offset: Number(message.offset) });
        if (received.size === ready.events.length) resolveAll();
      },
    });
    const bound = setTimeout(() => resolveAll(), 60_000);  // a bound, not an assertion: the checks below say what is missing
    await all;
    clearTimeout(bound);
  } finally {
    await consumer.disconnect();
    child.stdin.end();
    await once(child, 'exit');
  }

  assert.deepEqual([...received.keys()].sort(), ready.events.map((e) => e.id).sort());
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = [0, 1, 2, 3].map((partitionId) => ({ partitionId, leader: 1 }));
  const lastOffsetPerKey = new Map();
  for (const published of ready.events) {
    const got = received.get(published.id);
    assert.equal(got.topic, published.topic, published.id);
    assert.equal(got.key, published.key, published.id);
    assert.equal(got.header, published.id, 'the event id header');
    assert.equal(got.value.v, 1);
    assert.equal(got.value.subjectId, `track-${published.id.split('-')[1]}`);
    assert.equal(typeof got.value.attributes, 'object', 'attributes are JSON, not a string');
    const expected = partitioner({ topic: got.topic, partitionMetadata, message: { key: Buffer.from(published.key) } });
    assert.equal(got.partition, expected, `${published.key} is where Java's partitioner puts it`);
    // Published in order: each key's events sit at rising offsets of their partition.
    const slot = `${got.topic}/${got.key}`;
    if (lastOffsetPerKey.has(slot)) assert.ok(got.offset > lastOffsetPerKey.get(slot), published.id);
    lastOffsetPerKey.set(slot, got.offset);
  }
});
