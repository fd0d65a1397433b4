// The JUnit schema the tests validate against: the shared one beside this repository when it is there
// (../shared/junit/junit-10.xsd), else the byte-identical copy in fixtures/ (a fresh clone elsewhere).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const SHARED = resolve(import.meta.dirname, '../../shared/junit/junit-10.xsd');
export const XSD_COPY = resolve(import.meta.dirname, 'fixtures/junit-10.xsd');
export const XSD = existsSync(SHARED) ? SHARED : XSD_COPY;
