// The page and choices of a Mind2Web round against AgentBench's own code: the expected values are
// the output of AgentBench.old's format_input_multichoice (mind2web/dataloader.py:66-106) with
// prune_tree / get_tree_repr (data_utils/dom_utils.py) under lxml 4.9 on this page, pasted here.
// The page exercises svg icon classes, role=presentation, type=hidden, http values, words of 15+
// characters, duplicate values, text past 20 words, siblings beyond 3, depth beyond 5, a candidate
// inside another's subtree, entities and non-ASCII text.
import { describe, expect, it } from "vitest";
import { deepCopy, parseXml, removeElement, toXmlString } from "./dom-tree.js";
import { multichoiceInput } from "./multichoice-input.js";

const page =
  '<html backend_node_id="1"> <body backend_node_id="2"> <div backend_node_id="3" class="header wrap"> <a backend_node_id="4" href="https://x.example/home" aria_label="Tock home page" /> <button backend_node_id="5" type="button" aria_label="Book a reservation. Toggle open" title="Book a reservation. toggle open"> <span backend_node_id="6"> <text backend_node_id="7">Book a  reservation</text> </span> </button> <svg backend_node_id="8" class="nav-icon big IconArrow"> </svg> <svg backend_node_id="9" class="plain"/> </div> <div backend_node_id="10"> <div> <select backend_node_id="11" name="type" role="combobox"> <option backend_node_id="12" value="reservations" option_selected="true"> <text backend_node_id="13">Dine in</text> </option> <option backend_node_id="14" value="pickup"> <text>Pickup &amp; go</text> </option> <option backend_node_id="15" value="delivery"> <text backend_node_id="16">Delivery</text> </option> </select> </div> <input backend_node_id="17" type="hidden" name="csrf" value="abc"/> <input backend_node_id="18" type="text" placeholder="Search restaurants, cuisines or a verylongwordthatexceeds" input_value="Brooklyn"/> <ul backend_node_id="19" role="presentation"> <li backend_node_id="20"> <text backend_node_id="21">One</text> </li> <li backend_node_id="22"> <text backend_node_id="23">Two</text> </li> <li backend_node_id="24"> <text backend_node_id="25">Three</text> </li> <li backend_node_id="26"> <text backend_node_id="27">Four</text> </li> <li backend_node_id="28"> <text backend_node_id="29">Five</text> </li> <li backend_node_id="30"> <text backend_node_id="31">Six</text> </li> <li backend_node_id="32"> <text backend_node_id="33">Seven</text> </li> <li backend_node_id="34"> <a backend_node_id="35" role="link" label="Eight"> <text backend_node_id="36">Eight  items — café</text> </a> </li> </ul> <p backend_node_id="37"> <text backend_node_id="38">Celebrating and supporting leading women shaking up the industry with more than twenty words in this one text node right here</text> </p> <div backend_node_id="39"> <div backend_node_id="40"> <div backend_node_id="41"> <div backend_node_id="42"> <div backend_node_id="43"> <div backend_node_id="44"> <div backend_node_id="45"> <div backend_node_id="46"> <text backend_node_id="47">Deep</text> </div> </div> </div> </div> </div> </div> </div> </div> <button backend_node_id="48" value="Submit" type="submit" aria_label="submit"/> <a backend_node_id="49" title="N&quot;ew &lt;tab&gt;"> <text backend_node_id="50">A &amp; B &lt;c&gt;</text> </a> </div> </body> </html>';

describe("Mind2Web round input (AgentBench's prune_tree + get_tree_repr)", () => {
  const cases = [
    {
      ids: ["5", "11", "18", "49", "48"],
      page: '<html> <body> <div header wrap> <a tock home page /> <button id=0 button book a reservation. toggle open> <span> Book a reservation </span> </button> <svg nav-icon big iconarrow> </svg> <svg plain /> </div> <div> <select id=1 combobox type> <option reservations true> Dine in </option> <option pickup> Pickup & go </option> <option delivery> Delivery </option> </select> <input csrf abc /> <input id=2 text search restaurants, cuisines or a brooklyn /> <ul> </ul> <p> Celebrating and supporting leading women shaking up the industry with more than twenty words in this one text node right </p> <button id=3 submit /> <a id=4 n"ew <tab>> A & B <c> </a> </div> </body> </html>',
      choices: [
        ["5", "<button id=0 button book a reservation. toggle open> <span> Book"],
        ["11", "<select id=1 combobox type> <option reservations true> Dine in </option>"],
        ["18", "<input id=2 text search restaurants, cuisines or a brooklyn />"],
        ["48", "<button id=3 submit />"],
        ["49", '<a id=4 n"ew <tab>> A & B <c> </a>'],
      ],
    },
    {
      ids: ["4", "35", "30"],
      page: "<html> <body> <div header wrap> <a id=0 tock home page /> <button button book a reservation. toggle open> </button> <svg nav-icon big iconarrow> </svg> <svg plain /> </div> <ul> <li> Three </li> <li> Four </li> <li> Five </li> <li id=1> Six </li> <li> Seven </li> <a id=2 link eight> Eight items — café </a> </ul> </body> </html>",
      choices: [
        ["4", "<a id=0 tock home page />"],
        ["30", "<li id=1> Six </li>"],
        ["35", "<a id=2 link eight> Eight items — café </a>"],
      ],
    },
    {
      ids: ["39", "37"],
      page: '<html> <div> <input csrf abc /> <input text search restaurants, cuisines or a brooklyn /> <ul> </ul> <p id=0> Celebrating and supporting leading women shaking up the industry with more than twenty words in this one text node right </p> <div id=1> </div> <button submit /> <a n"ew <tab>> A & B <c> </a> </div> </html>',
      choices: [
        ["37", "<p id=0> Celebrating and supporting leading women shaking up the"],
        ["39", "<div id=1> </div>"],
      ],
    },
    {
      ids: ["9", "8", "17", "19", "46"],
      page: "<html> <body> <div header wrap> <a tock home page /> <button button book a reservation. toggle open> </button> <svg id=0 nav-icon big iconarrow> </svg> <svg id=1 plain /> </div> <div> <input id=2 csrf abc /> <input text search restaurants, cuisines or a brooklyn /> <ul id=3> <li> One </li> <li> Two </li> <li> Three </li> <li> Four </li> <li> Five </li> <li> Six </li> <li> Seven </li> <a link eight> Eight items — café </a> </ul> <p> Celebrating and supporting leading women shaking up the industry with more than twenty words in this one text node right </p> <div id=4> Deep </div> <button submit /> </div> </body> </html>",
      choices: [
        ["8", "<svg id=0 nav-icon big iconarrow> </svg>"],
        ["9", "<svg id=1 plain />"],
        ["17", "<input id=2 csrf abc />"],
        ["19", "<ul id=3> <li> One </li> <li> Two </li> <li> Three"],
        ["46", "<div id=4> Deep </div>"],
      ],
    },
  ];
  it.each(cases)("candidates $ids", ({ ids, page: expectedPage, choices }) => {
    expect(multichoiceInput(page, ids)).toEqual({ page: expectedPage, choices });
  });

  it("models lxml: a removed element takes its tail, a copy keeps it, empty text is not no text", () => {
    const root = parseXml('<a><b/>tail<c x="1&amp;2&quot;"/> t &amp; &lt;</a>');
    expect(toXmlString(root)).toBe('<a><b/>tail<c x="1&amp;2&quot;"/> t &amp; &lt;</a>');
    expect(toXmlString(deepCopy(root.children[1] as never))).toBe('<c x="1&amp;2&quot;"/> t &amp; &lt;');
    removeElement(root.children[0] as never);
    expect(toXmlString(root)).toBe('<a><c x="1&amp;2&quot;"/> t &amp; &lt;</a>');
    const text = parseXml("<text> </text>");
    text.text = "";
    expect(toXmlString(text)).toBe("<text></text>");
    text.text = null;
    expect(toXmlString(text)).toBe("<text/>");
  });

  it("refuses a page that is not XML, as lxml.etree.fromstring does, naming the place", () => {
    expect(() => parseXml('<html backend_node_id="1"><input></html>')).toThrow(
      /cleaned_html is not well-formed XML: .*1:/,
    );
    expect(() => multichoiceInput('<html backend_node_id="1"/>', ["2"])).toThrow(
      "candidate 2 is not in cleaned_html",
    );
  });
});
