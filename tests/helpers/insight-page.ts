/** A signed-in staff browser-less client, and readers for the insight page's tables and CSV files. */
export class StaffClient {
  private constructor(readonly base: string, readonly cookie: string, private csrf: string) {}

  static async signIn(base: string, email: string, password: string): Promise<StaffClient> {
    const login = await fetch(`${base}/login`);
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0]!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
    const res = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ email, password, _csrf: token }),
    });
    if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
    const session = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('deal_staff_session='))!;
    const page = await fetch(`${base}/`, { headers: { cookie: session } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    return new StaffClient(base, session, csrf);
  }

  get(path: string): Promise<Response> {
    return fetch(`${this.base}${path}`, { redirect: 'manual', headers: { cookie: this.cookie } });
  }

  post(path: string, fields: Record<string, string>, opts: { csrf?: boolean } = {}): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookie },
      body: new URLSearchParams({ ...fields, ...(opts.csrf === false ? {} : { _csrf: this.csrf }) }),
    });
  }

  async csv(path: string): Promise<string[][]> {
    const res = await this.get(path);
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return csvRows(await res.text());
  }
}

const decode = (s: string) =>
  s.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();

/** The body rows of the insight table `id`, as cell texts (a marker column left out). */
export function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}-table">([\\s\\S]*?)</table>`).exec(html)?.[1];
  if (!table) throw new Error(`no table ${id}`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)![1]!;
  const headers = (/<thead>([\s\S]*?)<\/thead>/.exec(table)![1]!.match(/<th/g) ?? []).length;
  const hasMark = /<th scope="col">Mark<\/th>/.test(table);
  if (/None in this period/.test(body)) return [];
  return (body.match(/<tr>[\s\S]*?<\/tr>/g) ?? []).map((row) => {
    const cells = (row.match(/<t[hd][^>]*>[\s\S]*?<\/t[hd]>/g) ?? []).map(decode);
    return hasMark ? cells.slice(0, headers - 1) : cells;
  });
}

/** RFC 4180 rows. */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r') continue;
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}
