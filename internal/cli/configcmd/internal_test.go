package configcmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// On a terminal a bad answer is asked again (piped answers fail instead;
// see TestConfigurePipedBadValueFails).
func TestConfigureOnATerminalAsksAgain(t *testing.T) {
	dir := t.TempDir()
	var prompts strings.Builder
	err := runConfigure(&ConfigureOptions{In: strings.NewReader("AKID\nSECRET\n\nnot a region\nq-world-2\n\n\n"), ErrOut: &prompts,
		Interactive: true, Dir: dir, Profile: "tty"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(prompts.String(), "Region [") != 2 || !strings.Contains(prompts.String(), "invalid region") {
		t.Errorf("prompts:\n%s", prompts.String())
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "config"))
	if !strings.Contains(string(cfg), "q-world-2") {
		t.Errorf("config:\n%s", cfg)
	}
}
