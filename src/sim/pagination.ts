import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from './context.js';

/** Offset pagination as lib/gitlab/pagination/offset_pagination.rb: page, per_page (20, max 100). */
export function paginate<T>(ctx: SimContext, req: FastifyRequest, reply: FastifyReply, items: readonly T[]): T[] {
  const query = new URLSearchParams(req.url.split('?')[1] ?? '');
  const rawPer = Number(query.get('per_page') ?? 20);
  const perPage = Number.isInteger(rawPer) && rawPer > 0 ? Math.min(rawPer, 100) : 20;
  const rawPage = Number(query.get('page') ?? 1);
  const page = Number.isInteger(rawPage) && rawPage > 0 ? rawPage : 1;
  const total = items.length;
  // An empty list still reports one page, as GitLab's `[total_pages, 1].max`.
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const next = page < totalPages ? String(page + 1) : '';
  // Kaminari gives no previous page when the requested one is out of range.
  const prev = page > 1 && page <= totalPages ? String(page - 1) : '';
  const path = req.url.split('?')[0] ?? '';
  const link = (p: number) => {
    const q = new URLSearchParams(query);
    q.set('page', String(p));
    q.set('per_page', String(perPage));
    return `<${ctx.baseUrl}${path}?${q.toString()}>`;
  };
  const links: string[] = [];
  if (prev) links.push(`${link(page - 1)}; rel="prev"`);
  if (next) links.push(`${link(page + 1)}; rel="next"`);
  links.push(`${link(1)}; rel="first"`);
  // Past 10,000 records GitLab stops counting: no X-Total, no X-Total-Pages, no rel="last".
  const counted = total <= 10_000;
  if (counted) links.push(`${link(totalPages)}; rel="last"`);
  reply.header('Link', links.join(', '));
  reply.header('X-Next-Page', next);
  reply.header('X-Page', String(page));
  reply.header('X-Per-Page', String(perPage));
  reply.header('X-Prev-Page', prev);
  if (counted) {
    reply.header('X-Total', String(total));
    reply.header('X-Total-Pages', String(totalPages));
  }
  return items.slice((page - 1) * perPage, page * perPage);
}
