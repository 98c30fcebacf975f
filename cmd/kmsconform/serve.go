package main

import (
	"context"
	"io"
)

// STUB: owned by a helper; replace whole.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int { return exitUsage }
