/** The one schema of Lyceum. Import tables from here, never from the files behind it. */
export * from './enums.ts';
export * from './communities.ts';
export * from './members.ts';
export * from './catalog.ts';
export * from './commerce.ts';
export * from './ledger.ts';
export * from './access.ts';
export * from './messaging.ts';
export * from './support.ts';
export * from './analytics.ts';
export * from './audit.ts';
export * from './interface.ts';
export * from './files.ts';
export * from './studio.ts';
export * from './live.ts';
export * from './growth.ts';
export * from './dashboard.ts';
