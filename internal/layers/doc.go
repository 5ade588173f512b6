// Package layers holds no code: its test checks the layering rule of
// ARCHITECTURE.md against the module's real imports, so the rule and the
// code cannot drift apart without a failing test.
package layers
