/**
 * The staff pages as HTML, one module a page: page-layout.ts (the frame, errors, tags and
 * the message page), login-page.ts, queue-page.ts and handover-page.ts (with its sections in
 * handover-details.ts and handover-actions.ts). Pure functions from data to markup, so the
 * routes stay about access and actions. This file gathers them for the routes.
 */
export { handoverPage, type FlashSection, type HandoverView } from './handover-page.js';
export { loginPage } from './login-page.js';
export { layout, messagePage, type FieldError, type PageContext } from './page-layout.js';
export { queuePage, type QueueView, type StatusFilter } from './queue-page.js';
