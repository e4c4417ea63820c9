import { mayRunLong } from '../../../src/cli/optimizing-tier.js';

describe('mayRunLong', () => {
  it('keeps the optimizing compiler for daemons, watches, follows and the web server', () => {
    for (const argv of [['run', 'daemon'], ['run', 'daemon', '--max-ticks', '1'], ['run:daemon'], ['run'], ['web'], ['logs', '--follow'], ['status', 'watch'], ['status:watch'], ['runs', 'tail', 'abc'], ['runs:tail']]) {
      expect([argv, mayRunLong(argv)]).toEqual([argv, true]);
    }
  });

  it('drops it for one-shot commands, whatever their flags', () => {
    for (const argv of [['run', 'once'], ['run', 'once', '-w', 'ws', '--json'], ['run:once'], ['status'], ['status', '-w', 'watch'], ['status', '--json'], ['queue', 'ls'], ['queue:ls'], ['runs', 'ls'], ['doctor'], ['compile', 'validate'], ['--help'], []]) {
      expect([argv, mayRunLong(argv)]).toEqual([argv, false]);
    }
  });
});
