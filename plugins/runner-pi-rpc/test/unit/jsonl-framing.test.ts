import { JsonlSplitter } from '../../src/jsonl-framing.js';

describe('JsonlSplitter', () => {
  it('reassembles records split across chunks and returns several records from one chunk', () => {
    const splitter = new JsonlSplitter();
    expect(splitter.push('{"type":"agent_')).toEqual([]);
    expect(splitter.push('start"}\n{"type":"turn_start"}\n{"ty')).toEqual(['{"type":"agent_start"}', '{"type":"turn_start"}']);
    expect(splitter.push('pe":"agent_end"}\n')).toEqual(['{"type":"agent_end"}']);
  });

  it('splits on LF only: U+2028 and U+2029 inside a JSON string stay in the record', () => {
    const record = JSON.stringify({ type: 'message_end', text: 'a\u2028b\u2029c' });
    expect(new JsonlSplitter().push(`${record}\n`)).toEqual([record]);
  });

  it('strips a trailing CR and skips blank lines', () => {
    expect(new JsonlSplitter().push('{"type":"a"}\r\n\r\n\n{"type":"b"}\n')).toEqual(['{"type":"a"}', '{"type":"b"}']);
  });

  it('reassembles a multi-byte character split between two byte chunks', () => {
    const bytes = Buffer.from('{"type":"x","t":"é"}\n', 'utf8');
    const cut = bytes.indexOf(0xa9); // second byte of "é"
    const splitter = new JsonlSplitter();
    expect(splitter.push(bytes.subarray(0, cut))).toEqual([]);
    expect(splitter.push(bytes.subarray(cut))).toEqual(['{"type":"x","t":"é"}']);
  });

  it('returns an unterminated last record at end of stream', () => {
    const splitter = new JsonlSplitter();
    splitter.push('{"type":"a"}\n{"type":"b"}');
    expect(splitter.end()).toEqual(['{"type":"b"}']);
    expect(splitter.end()).toEqual([]);
  });
});

describe('JsonlSplitter limits', () => {
  it('passes a record over the line limit on as an oversized line without holding it, and goes on', () => {
    const splitter = new JsonlSplitter(32);
    const big = JSON.stringify({ type: 'message_end', text: 'x'.repeat(100) });
    expect(splitter.push(`{"type":"a"}\n${big.slice(0, 50)}`)).toEqual(['{"type":"a"}']);
    expect(splitter.push(`${big.slice(50)}\n{"type":"b"}\n`)).toEqual([{ oversized: true, length: big.length }, '{"type":"b"}']);
  });
});
