/** The tunegate version written into results.json and printed by --version. */
export const VERSION = '0.1.0';
