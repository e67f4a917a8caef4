// npm run bench: every benchmark; each prints its rows and writes bench/results/<name>.json.
import { benchActionFormats } from "./action-formats.js";
import { benchAlfworld } from "./alfworld.js";
import { benchCardgame } from "./cardgame.js";
import { benchCli } from "./cli.js";
import { benchDb } from "./db.js";
import { benchDbEngines } from "./db-engines.js";
import { benchKg } from "./kg.js";
import { benchMiniwob } from "./miniwob.js";
import { benchOpenenv } from "./openenv.js";
import { benchOs } from "./os.js";
import { benchQueue } from "./queue.js";
import { benchRunner } from "./runner.js";
import { printTable } from "./table.js";
import { benchTokenize } from "./tokenize.js";
import { benchWebshop } from "./webshop.js";

const rows = [
  ...(await benchCli()),
  ...(await benchDb()),
  ...(await benchDbEngines()),
  ...(await benchOs()),
  ...(await benchKg()),
  ...(await benchWebshop()),
  ...(await benchAlfworld()),
  ...(await benchTokenize()),
  ...(await benchMiniwob()),
  ...(await benchCardgame()),
  ...(await benchQueue()),
  ...(await benchRunner()),
  ...(await benchActionFormats()),
  ...(await benchOpenenv()),
];
printTable(rows);
console.log(
  "\nwrote bench/results/cli.json, db.json, db-engines.json, os.json, kg.json, webshop.json, alfworld.json, tokenize.json, miniwob.json, cardgame.json, queue.json, runner.json, action-formats.json, openenv.json",
);
