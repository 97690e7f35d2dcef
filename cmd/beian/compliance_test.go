package main

import (
	"flag"
	"io"
	"maps"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

func TestComplianceFlags(t *testing.T) {
	t.Setenv("BEIAN_CASE_DEADLINES", "a=20, E=3")
	t.Setenv("BEIAN_PROBE_DNS", "127.0.0.1:5353, 127.0.0.2:53")
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.serveFlags(fs)
	if err := parse(fs, []string{"--sweep-every", "6h"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	cc := c.Compliance
	if cc.SweepEvery != 6*time.Hour || len(cc.Resolvers) != 2 || cc.Resolvers[1] != "127.0.0.2:53" ||
		!maps.Equal(cc.Deadlines, map[beian.CaseCategory]int{beian.CategorySubject: 20, beian.CategoryAccess: 3}) {
		t.Fatalf("compliance config %+v", cc)
	}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}

	// A bad value in the environment stops the start; the flag wins.
	t.Setenv("BEIAN_CASE_DEADLINES", "F=3")
	c = Config{Role: "all", LogLevel: "info"}
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	c.serveFlags(fs)
	if err := parse(fs, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := c.validate(); err == nil {
		t.Fatal("BEIAN_CASE_DEADLINES=F=3 accepted")
	}
	for _, bad := range []string{"B=0", "B=61", "B", "Z=3"} {
		if _, err := parseDeadlines(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
