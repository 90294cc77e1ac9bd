// Types of render-event-docs.mjs for the type-checked test that imports it.
export declare const README_START: string;
export declare const README_END: string;
export declare function renderEventsDocument(engine: typeof import('../src/index.js')): string;
export declare function renderReadmeSection(engine: typeof import('../src/index.js')): string;
export declare function replaceReadmeSection(readme: string, section: string): string;
