// Writes ingest's OpenAPI document (from its build) to the path given, for openapi-typescript.
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const { openApiJson } = require(path.join(__dirname, '../../ingest/dist/openapi/openapi-document.js'));
writeFileSync(process.argv[2], openApiJson());
