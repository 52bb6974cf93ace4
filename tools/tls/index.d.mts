export declare const testTls: { cert: Buffer; key: Buffer };
