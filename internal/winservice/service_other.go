//go:build !windows

package winservice

import (
	"context"
	"io"
)

// Install needs Windows.
func Install(Spec) error { return ErrNotWindows }

// Uninstall needs Windows.
func Uninstall() error { return ErrNotWindows }

// Run needs Windows.
func Run(func(ctx context.Context, log io.Writer) int) error { return ErrNotWindows }
