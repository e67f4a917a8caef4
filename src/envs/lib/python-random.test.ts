import { describe, expect, it } from "vitest";
import { PythonRandom } from "./python-random.js";

// expected values printed by CPython 3.11 (`python3 -c "import random; random.seed(233); …"`)
describe("PythonRandom", () => {
  it("reproduces CPython's stream, shuffle and sample", () => {
    const bits = new PythonRandom(233);
    expect([bits.getrandbits(32), bits.getrandbits(32), bits.getrandbits(32)]).toEqual([
      2931216007, 3446561803, 2698614761,
    ]);
    expect(new PythonRandom(233).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([
      5, 9, 0, 1, 4, 7, 6, 3, 8, 2,
    ]);
    expect(new PythonRandom(233).shuffle(Array.from({ length: 300 }, (_, i) => i)).slice(0, 12)).toEqual([
      294, 94, 175, 233, 156, 288, 53, 79, 131, 41, 267, 147,
    ]);
    const floats = new PythonRandom(233);
    expect([floats.random(), floats.random()]).toEqual([0.6824769139473528, 0.6283202109809801]);
    expect(new PythonRandom(2 ** 40 + 5).getrandbits(32)).toBe(2166296868); // a seed of two 32-bit words
    const draws = new PythonRandom(0);
    expect([draws.sample([10, 20, 30, 40], 2), draws.sample([10, 20, 30, 40], 2)]).toEqual([
      [40, 20],
      [10, 20],
    ]);
  });
});
