/** Prints a Markdown table, each column as wide as its widest cell (the benches' output). */
export function printTable(header: string[], rows: string[][]): void {
	const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
	const line = (cells: string[]) =>
		`| ${cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
	console.log(line(header));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const row of rows) console.log(line(row));
}
