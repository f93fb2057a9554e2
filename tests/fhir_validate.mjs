// Usage: node fhir_validate.mjs RESOURCE.json -- the npm `fhir` validator on one resource (a Bundle too);
// prints {valid, messages} without information messages. Run from a folder with the LHC-Forms node_modules.
import { readFileSync } from 'node:fs';
import fhirpkg from 'fhir';
const r = new fhirpkg.Fhir().validate(JSON.parse(readFileSync(process.argv[2], 'utf8')), {});
console.log(JSON.stringify({ valid: r.valid, messages: r.messages.filter(m => !['information', 'info'].includes(m.severity)) }));
