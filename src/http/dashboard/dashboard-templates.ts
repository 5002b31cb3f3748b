import Handlebars from 'handlebars';

/**
 * The dashboard's HTML: Handlebars on a private instance (no global helpers), HTML-escaped by default,
 * CSS inline and no script, so the page needs no front-end build and no asset from the network.
 * Templates live here as strings because only compiled TypeScript ships in the image.
 */

const CSS = `
:root{--fg:#1f1e24;--muted:#626168;--line:#dcdcde;--bg:#fbfafd;--card:#fff;--accent:#1f75cb;--ok:#108548;--warn:#ab6100;--bad:#dd2b0e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1rem;background:#28272d;color:#fff}
header a{color:#fff;text-decoration:none}
.brand{font-weight:700;font-size:1.1rem;margin-right:.5rem}
nav{display:flex;flex-wrap:wrap;gap:.25rem;flex:1}
nav a{padding:.3rem .6rem;border-radius:.3rem}
nav a[aria-current=page],nav a:hover{background:#4c4b51}
header form{margin:0}
button{font:inherit;cursor:pointer;border:1px solid var(--line);background:var(--card);color:var(--fg);padding:.35rem .8rem;border-radius:.3rem}
header button{background:transparent;color:#fff;border-color:#737278}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.4rem 0 1rem}
h2{font-size:1.1rem;margin:1.4rem 0 .6rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.8rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.8rem 1rem}
.card h3{margin:0 0 .4rem;font-size:1rem}
.scroll{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:.5rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45rem .7rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
tr:last-child td{border-bottom:0}
.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:var(--muted)}
.pill{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-size:.8rem;background:#ececef;white-space:nowrap}
.s-complete,.s-done,.s-at,.s-approved,.s-completed,.s-ok{background:#c3e6cd;color:#24663b}
.s-review,.s-pending-approval,.s-needs-info,.s-warning{background:#f5d9a8;color:#8f4700}
.s-overdue,.s-under,.s-declined,.s-problem{background:#fdd4cd;color:#ae1800}
.s-in-progress,.s-active,.s-over{background:#cbe2f9;color:#0b5cad}
.module{display:grid;grid-template-columns:5.5rem 1fr auto;gap:.5rem;align-items:center;margin:.3rem 0}
progress{width:100%;height:.8rem;appearance:none;border:0;border-radius:.4rem;background:#ececef;overflow:hidden}
progress::-webkit-progress-bar{background:#ececef;border-radius:.4rem}
progress::-webkit-progress-value{background:var(--accent);border-radius:.4rem}
progress::-moz-progress-bar{background:var(--accent)}
.board{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.6rem}
.board ul{list-style:none;margin:0;padding:0}
.board li{margin:.4rem 0;padding:.4rem;border:1px solid var(--line);border-radius:.3rem}
.pager{display:flex;flex-wrap:wrap;gap:.3rem .8rem;align-items:center}
.error{padding:.6rem .8rem;border-radius:.4rem;background:#fdd4cd;color:#ae1800}
form.signin{max-width:22rem;margin:3rem auto;background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1.2rem}
form.signin input{width:100%;font:inherit;padding:.45rem;margin:.3rem 0 .8rem;border:1px solid var(--line);border-radius:.3rem}
footer{max-width:72rem;margin:0 auto;padding:1rem;color:var(--muted);font-size:.85rem}
@media (max-width:40rem){header nav{order:3;flex-basis:100%}header form{margin-left:auto}main{padding:.6rem}th,td{padding:.35rem .45rem}.module{grid-template-columns:4.5rem 1fr auto}h1{font-size:1.2rem}}
`;

const LAYOUT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{title}} · Trellis</title><style>${CSS}</style></head>
<body><header><a class="brand" href="/dashboard">Trellis</a>
{{#if signedIn}}<nav aria-label="Dashboard">{{#each nav}}<a href="{{href}}"{{#if current}} aria-current="page"{{/if}}>{{label}}</a>{{/each}}</nav>
<form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>{{/if}}
</header><main>{{{body}}}</main>
<footer>Career records live in GitLab; this page reads them (what changed is read every {{ttl}} s while viewed; a page is never shown more than twice that behind) and changes nothing.</footer></body></html>`;

const SECTION_ERROR = `<p class="error">Could not read this from GitLab: {{error}}</p>`;

/** Links between the pages of a long list (dashboard-pagination.ts); absent when it fits on one. Its hrefs are built by Trellis (`?page=2`), not typed by anyone: unescaped. */
const PAGER = (what: string): string => `{{#if @root.pager}}{{#with @root.pager}}<p class="pager">${what} {{from}} to {{to}} of {{total}} (page {{page}} of {{pages}})
{{#if prev}}<a href="?page=1">first</a> <a href="{{{prev}}}" rel="prev">previous</a>{{/if}} {{#if next}}<a href="{{{next}}}" rel="next">next</a> <a href="{{{last}}}">last</a>{{/if}}</p>{{/with}}{{/if}}`;

const PAGES = {
  signin: `<form class="signin" method="post" action="/dashboard/login">
<h1>Sign in to Trellis</h1>
{{#if error}}<p class="error" role="alert">{{error}}</p>{{/if}}
<label for="token">Dashboard token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="{{next}}">
<button type="submit">Sign in</button>
<p class="muted">The token is DASHBOARD_TOKEN of this Trellis. Signing in sets a cookie for 12 hours.</p>
</form>`,

  disabled: `<h1>Dashboard disabled</h1><p>Set <code>DASHBOARD_TOKEN</code> to a long random secret to turn on <code>/dashboard</code> and <code>/admin/queues</code>.
They show career data, so Trellis never serves them without a token.</p>`,

  overview: `<h1>Trellis health</h1>
{{#if health.ok}}{{#with health.data}}
<div class="cards">
<div class="card"><h3>Webhook</h3><p><span class="pill s-{{webhook.state}}">{{webhook.state}}</span> {{webhook.text}}</p>{{#if webhook.url}}<p class="muted">{{webhook.url}}</p>{{/if}}</div>
<div class="card"><h3>Private records</h3><p><span class="pill s-{{privacy.state}}">{{privacy.state}}</span> {{privacy.text}}</p>{{#if privacy.overreaders.length}}<ul>{{#each privacy.overreaders}}<li>{{username}} in {{place}}: {{why}}</li>{{/each}}</ul>{{/if}}</div>
<div class="card"><h3>Last reconcile</h3><p><span class="pill s-{{reconcile.state}}">{{reconcile.state}}</span> {{reconcile.text}}</p></div>
<div class="card"><h3>Inbox</h3><p><span class="num">{{inbox}}</span> events received and stored, not yet queued</p><p class="muted">Workers move them into the events queue within milliseconds; a number that keeps growing means no worker is running.</p></div>
</div>
<h2>Queues</h2>
<div class="scroll"><table><thead><tr><th>Queue</th><th class="num">Waiting</th><th class="num">Active</th><th class="num">Delayed</th><th class="num">Schedules</th><th class="num">Failed</th><th class="num">Completed</th></tr></thead><tbody>
{{#each queues}}<tr><td>{{name}}</td><td class="num">{{waiting}}</td><td class="num">{{active}}</td><td class="num">{{delayed}}</td><td class="num">{{schedules}}</td><td class="num">{{failed}}</td><td class="num">{{completed}}</td></tr>{{/each}}
</tbody></table></div>
<h2>Latest failed jobs</h2>
{{#if failed.length}}<div class="scroll"><table><thead><tr><th>Queue</th><th>Job</th><th>Reason</th><th>When</th></tr></thead><tbody>
{{#each failed}}<tr><td>{{queue}}</td><td>{{name}}</td><td>{{reason}}</td><td class="muted">{{at}}</td></tr>{{/each}}
</tbody></table></div>{{else}}<p class="muted">None.</p>{{/if}}
<p><a href="/admin/queues">Open the queue admin</a> to inspect or retry jobs.</p>
{{/with}}{{else}}<p class="error">Could not read Trellis's health: {{health.error}}</p>{{/if}}`,

  training: `<h1>Training progress</h1>
{{#if board}}<p><a href="{{board}}">Open the Training board in GitLab</a></p>{{/if}}
{{#if section.ok}}{{#with section.data}}
<p>{{#each totals}}<span class="pill">{{state}}: {{count}}</span> {{/each}}</p>
${PAGER('Learners')}
{{#if people.length}}<div class="cards">
{{#each people}}<div class="card"><h3>{{name}} <span class="muted">@{{username}}</span></h3>{{#if team}}<p class="muted">{{team}}</p>{{/if}}
{{#each modules}}<div class="module"><a href="{{url}}">{{kind}}</a><progress max="100" value="{{percent}}" aria-label="{{kind}} {{percent}}%">{{percent}}%</progress><span class="pill s-{{stateClass}}">{{done}}/{{total}} · {{state}}</span></div>{{/each}}
</div>{{/each}}
</div>${PAGER('Learners')}{{else}}<p class="muted">No training modules yet.</p>{{/if}}
{{/with}}{{else}}${SECTION_ERROR.replace('{{error}}', '{{section.error}}')}{{/if}}`,

  checkpoints: `<h1>Checkpoints {{#if section.ok}}{{section.data.quarter}}{{/if}}</h1>
{{#if board}}<p><a href="{{board}}">Open the Career checkpoints board in GitLab</a></p>{{/if}}
{{#if section.ok}}{{#with section.data}}
<p class="muted">{{range}}</p>
<p>Department: {{#each totals}}<span class="pill">{{state}}: {{count}}</span> {{/each}}{{#if missing}}<span class="pill s-problem">no checkpoint issue: {{missing}}</span>{{/if}}</p>
${PAGER('Managers')}
{{#each managers}}<h2>{{name}}</h2>
<p>{{#each counts}}<span class="pill">{{state}}: {{count}}</span> {{/each}}</p>
<div class="scroll"><table><thead><tr><th>Report</th><th>State</th></tr></thead><tbody>
{{#each rows}}<tr><td><a href="{{url}}">{{name}}</a></td><td><span class="pill s-{{stateClass}}">{{state}}</span></td></tr>{{/each}}
{{#each missing}}<tr><td>{{this}}</td><td><span class="pill s-problem">no checkpoint issue</span></td></tr>{{/each}}
</tbody></table></div>
{{/each}}
${PAGER('Managers')}
{{/with}}{{else}}${SECTION_ERROR.replace('{{error}}', '{{section.error}}')}{{/if}}`,

  internships: `<h1>Internship pipeline</h1>
{{#if board}}<p><a href="{{board}}">Open the Internships board in GitLab</a></p>{{/if}}
{{#if section.ok}}{{#with section.data}}
{{#if unlabelled}}<p class="muted">{{unlabelled}} request(s) have no <code>internship::</code> state yet.</p>{{/if}}
<div class="board">
{{#each columns}}<div class="card"><h3><span class="pill s-{{stateClass}}">{{state}}</span> {{items.length}}</h3><ul>
{{#each items}}<li><a href="{{url}}">{{title}}</a><br><span class="muted">{{requester}}, {{opened}}</span></li>{{/each}}
</ul></div>{{/each}}
</div>
{{/with}}{{else}}${SECTION_ERROR.replace('{{error}}', '{{section.error}}')}{{/if}}`,

  gearing: `<h1>Staff+ IC gearing</h1>
<p class="muted">Policy: Staff+ engineers (staff, principal or above; not managing people) per team, by team kind, from the roster's <code>gearing</code>.</p>
{{#if section.ok}}{{#with section.data}}
${PAGER('Teams')}
<div class="scroll"><table><thead><tr><th>Team</th><th>Kind</th><th>Staff+</th><th class="num">Engineers</th><th>Policy</th><th>Status</th></tr></thead><tbody>
{{#each teams}}<tr><td>{{name}}</td><td>{{kind}}</td><td>{{staff}}</td><td class="num">{{engineers}}</td><td>{{policy}}</td><td><span class="pill s-{{statusClass}}">{{status}}</span></td></tr>{{/each}}
</tbody></table></div>
${PAGER('Teams')}
<h2>By kind</h2>
<div class="scroll"><table><thead><tr><th>Kind</th><th class="num">Teams</th><th class="num">Staff+</th><th class="num">Wanted</th><th>Status</th></tr></thead><tbody>
{{#each kinds}}<tr><td>{{kind}}</td><td class="num">{{teams}}</td><td class="num">{{staff}}</td><td class="num">{{wanted}}</td><td><span class="pill s-{{statusClass}}">{{status}}</span></td></tr>{{/each}}
</tbody></table></div>
{{/with}}{{else}}${SECTION_ERROR.replace('{{error}}', '{{section.error}}')}{{/if}}`,

  roles: `<h1>Roles and levels</h1>
<p class="muted">What each level asks for. A checkpoint offers the focus areas of the person's level and lists what the next level asks for beyond it. Edit <code>.trellis/roles.yml</code> (or the roster's <code>roles</code>) to change them.</p>
{{#if section.ok}}{{#with section.data}}
{{#each ladders}}<h2>{{#each roles}}{{#unless @first}} · {{/unless}}<span id="{{key}}">{{title}}</span> <span class="muted">{{key}}</span>{{/each}}</h2>
<div class="cards">
{{#each levels}}<div class="card"><h3>{{title}} <span class="pill">{{level}}</span></h3>
<p class="muted">Responsibilities</p><ul>{{#each responsibilities}}<li>{{this}}</li>{{/each}}</ul>
{{#if requirements.length}}<p class="muted">Requirements</p><ul>{{#each requirements}}<li>{{this}}</li>{{/each}}</ul>{{/if}}
{{#if niceToHave.length}}<p class="muted">Nice to have</p><ul>{{#each niceToHave}}<li>{{this}}</li>{{/each}}</ul>{{/if}}
</div>{{/each}}
</div>{{/each}}
{{#if flat.length}}<h2>Roles without levels</h2>
<div class="cards">{{#each flat}}<div class="card"><h3 id="{{key}}">{{title}} <span class="muted">{{key}}</span></h3><ul>{{#each responsibilities}}<li>{{this}}</li>{{/each}}</ul></div>{{/each}}</div>{{/if}}
{{/with}}{{else}}${SECTION_ERROR.replace('{{error}}', '{{section.error}}')}{{/if}}`,
} as const;

export type PageName = keyof typeof PAGES;

/** The pages reachable from the navigation, in order. */
export const NAV: ReadonlyArray<{ readonly page: PageName | 'queues'; readonly href: string; readonly label: string }> = [
  { page: 'overview', href: '/dashboard', label: 'Health' },
  { page: 'training', href: '/dashboard/training', label: 'Training' },
  { page: 'checkpoints', href: '/dashboard/checkpoints', label: 'Checkpoints' },
  { page: 'internships', href: '/dashboard/internships', label: 'Internships' },
  { page: 'gearing', href: '/dashboard/gearing', label: 'Gearing' },
  { page: 'roles', href: '/dashboard/roles', label: 'Roles' },
  { page: 'queues', href: '/admin/queues', label: 'Queues' },
];

export interface PageRenderer {
  render(page: PageName, data: object, opts: { title: string; signedIn: boolean }): string;
}

/** Compiles each template once (on first use), on a Handlebars instance of its own. */
export function createPageRenderer(ttlSeconds: number): PageRenderer {
  const hb = Handlebars.create();
  const layout = hb.compile(LAYOUT, { strict: false });
  const pages = new Map<PageName, HandlebarsTemplateDelegate>();
  const template = (page: PageName): HandlebarsTemplateDelegate => {
    let t = pages.get(page);
    if (!t) {
      t = hb.compile(PAGES[page]);
      pages.set(page, t);
    }
    return t;
  };
  return {
    render(page, data, opts) {
      const body = template(page)(data);
      const nav = NAV.map((n) => ({ href: n.href, label: n.label, current: n.page === page }));
      return layout({ title: opts.title, signedIn: opts.signedIn, nav, body, ttl: ttlSeconds });
    },
  };
}
