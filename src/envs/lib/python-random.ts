// CPython's `random` module (MT19937 seeded by init_by_array, _randbelow, shuffle, sample), so that a
// harness's `random.seed(233); random.shuffle(goals)` picks the same goals here.

const N = 624;
const M = 397;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  /** random.seed(n) for a non-negative int n, as CPython seeds from an int. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0)
      throw new Error("PythonRandom: seed must be a non-negative integer");
    const key: number[] = [];
    let rest = BigInt(seed);
    do {
      key.push(Number(rest & 0xffffffffn));
      rest >>= 32n;
    } while (rest > 0n);
    this.initByArray(key);
  }

  protected initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] as number;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] as number;
      mt[i] = (((mt[i] as number) ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + (key[j] as number) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1] as number;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] as number;
      mt[i] = (((mt[i] as number) ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1] as number;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private twist(): void {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = ((mt[k] as number) & 0x80000000) | ((mt[(k + 1) % N] as number) & 0x7fffffff);
      mt[k] = (mt[(k + M) % N] as number) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** genrand_uint32: the next tempered 32-bit output. */
  protected next32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.getrandbits(k) for 0 < k <= 32. */
  getrandbits(k: number): number {
    if (k <= 0 || k > 32) throw new Error("PythonRandom.getrandbits: 1..32 bits");
    return this.next32() >>> (32 - k);
  }

  /** random.random(): 53 random bits in [0, 1). */
  random(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** random.uniform(a, b): a + (b - a) * random(). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  /** random._randbelow(n): an int in [0, n) by rejection over n.bit_length() bits. */
  randbelow(n: number): number {
    if (n <= 0) return 0;
    const k = Math.floor(Math.log2(n)) + 1;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** random.shuffle(items), in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }

  /** random.sample(population, k) for populations small enough for CPython's pool method. */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (k < 0 || k > n) throw new Error("PythonRandom.sample: sample larger than population");
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n > setsize) throw new Error("PythonRandom.sample: only the pool method is implemented");
    const pool = [...population];
    const result: T[] = [];
    for (let i = 0; i < k; i++) {
      const j = this.randbelow(n - i);
      result.push(pool[j] as T);
      pool[j] = pool[n - i - 1] as T;
    }
    return result;
  }
}

/**
 * numpy's legacy `RandomState(seed)` for an int seed (MT19937 seeded by init_genrand, not CPython's
 * init_by_array), with `permutation(n)`: how pandas' `df.sample(n, random_state=seed)` picks rows
 * (ReWOO samples its questions so).
 */
export class NumpyRandomState extends PythonRandom {
  constructor(seed: number) {
    super(0);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new Error("NumpyRandomState: seed must be between 0 and 2**32 - 1");
    this.initGenrand(seed);
  }

  /** random_interval(max): masked rejection sampling of one 32-bit output. */
  private interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    for (const shift of [1, 2, 4, 8, 16]) mask |= mask >>> shift;
    let value: number;
    do value = (this.next32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** RandomState.permutation(n): arange(n) shuffled by the legacy Fisher-Yates (_shuffle_raw). */
  permutation(n: number): number[] {
    const items = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.interval(i);
      [items[i], items[j]] = [items[j] as number, items[i] as number];
    }
    return items;
  }
}
