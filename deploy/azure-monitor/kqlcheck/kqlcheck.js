// kqlcheck parses KQL files with the Kusto language service
// (@kusto/language-service-next) and prints each syntax error as
// file:line:column: message. Exit status: 0 all parse, 1 syntax errors,
// 2 usage or unreadable file. Only syntax is checked: the tables
// (ArcdiagRuns_CL, arg("").Resources) exist in the workspace, not here.
"use strict";
const fs = require("fs");
require("@kusto/language-service-next/bridge.min.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node kqlcheck.js FILE.kql...");
  process.exit(2);
}

// position turns an offset in text into a 1-based line and column.
function position(text, offset) {
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

let errors = 0;
for (const file of files) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    process.exit(2);
  }
  const code = Kusto.Language.KustoCode.Parse(text);
  const diagnostics = code.GetSyntaxDiagnostics();
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    if (d.Severity !== "Error") {
      continue;
    }
    console.log(`${file}:${position(text, d.Start)}: ${d.Message} (${d.Code})`);
    errors++;
  }
}
if (errors > 0) {
  process.exit(1);
}
console.log(`${files.length} file(s) parse`);
