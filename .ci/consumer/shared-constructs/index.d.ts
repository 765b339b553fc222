/** The copy of cdk-observed this library was built with (its own node_modules/cdk-observed). */
export * as observed from 'cdk-observed';
/** Where that copy was loaded from. */
export declare const observedPath: string;
