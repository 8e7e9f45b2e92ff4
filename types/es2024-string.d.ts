/** ES2024's String.prototype.isWellFormed, which Node 20 has and TypeScript's ES2022 lib does not declare. */
interface String {
  isWellFormed(): boolean;
}
