export function generateClientTypes(spec: object): Promise<string>;
