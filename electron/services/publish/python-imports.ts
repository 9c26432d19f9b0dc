/**
 * Reads `backend.py` just enough to warn before publishing: which top-level modules it
 * imports, and which `DS_*` variables it uses. A regex reader, not a parser: it must never
 * block a publish on its own, only inform (imports) or point at a line (DS_* names).
 */

/** Python 3 standard library top-level modules (the ones an app plausibly imports). */
const STDLIB = new Set(
  (
    '__future__ _thread abc argparse array ast asyncio atexit base64 binascii bisect builtins bz2 calendar cgi cmath ' +
    'codecs collections colorsys concurrent configparser contextlib contextvars copy csv ctypes dataclasses datetime ' +
    'decimal difflib dis email encodings enum errno faulthandler fcntl filecmp fnmatch fractions ftplib functools gc ' +
    'getpass gettext glob graphlib gzip hashlib heapq hmac html http imaplib importlib inspect io ipaddress itertools ' +
    'json keyword linecache locale logging lzma mailbox math mimetypes mmap multiprocessing netrc numbers operator os ' +
    'pathlib pickle pkgutil platform plistlib pprint profile pstats queue quopri random re reprlib resource sched ' +
    'secrets select selectors shelve shlex shutil signal site smtplib socket socketserver sqlite3 ssl stat statistics ' +
    'string stringprep struct subprocess symtable sys sysconfig tarfile tempfile textwrap threading time timeit token ' +
    'tokenize tomllib trace traceback tracemalloc types typing unicodedata unittest urllib uuid venv warnings wave ' +
    'weakref webbrowser wsgiref xml xmlrpc zipfile zipimport zlib zoneinfo'
  ).split(/\s+/),
);

/** Import name → distribution name, where they differ. */
const IMPORT_TO_PACKAGE: Record<string, string> = {
  yaml: 'pyyaml',
  sklearn: 'scikit-learn',
  PIL: 'pillow',
  cv2: 'opencv-python',
  bs4: 'beautifulsoup4',
  dateutil: 'python-dateutil',
  dotenv: 'python-dotenv',
  psycopg2: 'psycopg2-binary',
  MySQLdb: 'mysqlclient',
  jwt: 'pyjwt',
  google: 'google-cloud',
  snowflake: 'snowflake-connector-python',
  Crypto: 'pycryptodome',
  OpenSSL: 'pyopenssl',
  multipart: 'python-multipart',
  docx: 'python-docx',
  pptx: 'python-pptx',
  magic: 'python-magic',
  serial: 'pyserial',
  usb: 'pyusb',
  attr: 'attrs',
  pymysql: 'pymysql',
  mindsdb_sdk: 'mindsdb-sdk',
};

/** Packages that a requirement for another package brings along (fastapi → starlette, pydantic). */
const BUNDLED_WITH: Record<string, string[]> = {
  fastapi: ['starlette', 'pydantic', 'anyio', 'typing_extensions'],
  uvicorn: ['click', 'h11'],
  pandas: ['numpy', 'dateutil', 'pytz'],
  requests: ['urllib3', 'idna', 'certifi', 'charset_normalizer'],
  httpx: ['httpcore', 'anyio', 'idna', 'certifi', 'sniffio'],
  'snowflake-connector-python': ['snowflake'],
  'google-cloud-bigquery': ['google'],
  'psycopg2-binary': ['psycopg2'],
};

const normalize = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

export interface ImportUse {
  module: string;
  line: number;
}

function stripComment(line: string): string {
  const hash = line.indexOf('#');
  return hash >= 0 ? line.slice(0, hash) : line;
}

/** Top-level modules imported at any indentation (`import a, b.c as d`, `from x.y import z`); relative imports are local. */
export function pythonImports(source: string): ImportUse[] {
  const seen = new Map<string, number>();
  source.split(/\r?\n/).forEach((rawLine, i) => {
    const line = stripComment(rawLine).trim();
    let m = /^from\s+([A-Za-z_][\w.]*)\s+import\b/.exec(line);
    if (m) {
      const top = m[1]!.split('.')[0]!;
      if (!seen.has(top)) seen.set(top, i + 1);
      return;
    }
    m = /^import\s+(.+)$/.exec(line);
    if (m) {
      for (const part of m[1]!.split(',')) {
        const name = part.trim().split(/\s+/)[0] ?? '';
        const top = name.split('.')[0]!;
        if (/^[A-Za-z_]\w*$/.test(top) && !seen.has(top)) seen.set(top, i + 1);
      }
    }
  });
  return [...seen].map(([module, line]) => ({ module, line }));
}

/** Distribution names from requirements.txt (comments, blank lines and `-` options ignored). */
export function requirementNames(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = stripComment(raw).trim();
    if (line === '' || line.startsWith('-')) continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

/**
 * Third-party imports not covered by requirements.txt. `localModules` are names shipped
 * beside the backend (never a missing requirement, though they have their own warning).
 */
export function uncoveredImports(source: string, requirements: string[], localModules: Set<string> = new Set()): ImportUse[] {
  const covered = new Set<string>();
  for (const req of requirements) {
    covered.add(normalize(req));
    for (const extra of BUNDLED_WITH[normalize(req)] ?? []) covered.add(normalize(extra));
  }
  return pythonImports(source).filter(({ module }) => {
    if (STDLIB.has(module) || localModules.has(module)) return false;
    const pkg = IMPORT_TO_PACKAGE[module] ?? module;
    return !covered.has(normalize(pkg)) && !covered.has(normalize(module));
  });
}

export function packageFor(module: string): string {
  return IMPORT_TO_PACKAGE[module] ?? module;
}

export interface EnvUse {
  name: string;
  line: number;
}

/** Every `DS_*` variable name mentioned in the source, with the first line it appears on. */
export function dsVariables(source: string): EnvUse[] {
  const seen = new Map<string, number>();
  source.split(/\r?\n/).forEach((line, i) => {
    for (const m of line.matchAll(/\bDS_[A-Z0-9_]*[A-Z0-9](?:-[A-Z0-9]+)*\b/g)) {
      // A field name may hold a `-` (anton's `portal-id` → `DS_HUBSPOT_X__PORTAL-ID`); before
      // the `__` a `-` is just an operator.
      const dash = m[0].indexOf('-');
      const name = dash > 0 && !m[0].slice(0, dash).includes('__') ? m[0].slice(0, dash) : m[0];
      if (!seen.has(name)) seen.set(name, i + 1);
    }
  });
  return [...seen].map(([name, line]) => ({ name, line }));
}
