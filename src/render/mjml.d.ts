// mjml 5 ships no types; this covers the part we call. mjml2html is async since v5.
declare module 'mjml' {
  export type MjmlError = {
    line: number;
    message: string;
    tagName: string;
    formattedMessage: string;
  };
  export type MjmlOptions = {
    validationLevel?: 'strict' | 'soft' | 'skip';
    minify?: boolean;
    minifyOptions?: Record<string, unknown>;
    beautify?: boolean;
    keepComments?: boolean;
    fonts?: Record<string, string>;
    filePath?: string;
    ignoreIncludes?: boolean;
  };
  export type MjmlResult = { html: string; errors: MjmlError[]; json?: unknown };
  export default function mjml2html(mjml: string, options?: MjmlOptions): Promise<MjmlResult>;
}
