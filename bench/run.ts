// npm run bench: every benchmark; each prints its rows and writes bench/results/<name>.json.
import { benchDb } from "./db.js";
import { benchKg } from "./kg.js";
import { benchOs } from "./os.js";
import { printTable } from "./table.js";
import { benchTokenize } from "./tokenize.js";

const rows = [...(await benchDb()), ...(await benchOs()), ...(await benchKg()), ...(await benchTokenize())];
printTable(rows);
console.log("\nwrote bench/results/db.json, os.json, kg.json, tokenize.json");
