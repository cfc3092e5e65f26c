package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/alecthomas/kong"
)

// CompletionCmd prints a shell's completion script.
type CompletionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish,powershell" help:"The shell: bash, zsh, fish or powershell."`
}

// Help says how to install the script.
func (c *CompletionCmd) Help() string {
	return `Prints a script that completes arcdiag's commands, flags, flag values and
file names. The script asks arcdiag itself what fits, so it stays right
across versions.

Examples:
  source <(arcdiag completion bash)                 # in ~/.bashrc
  source <(arcdiag completion zsh)                  # in ~/.zshrc, after compinit
  arcdiag completion fish > ~/.config/fish/completions/arcdiag.fish
  arcdiag completion powershell | Out-String | Invoke-Expression   # in $PROFILE`
}

// Run prints the script.
func (c *CompletionCmd) Run(e *env) error {
	_, err := fmt.Fprint(e.stdout, completionScripts[c.Shell])
	return err
}

// completeCmd answers a completion script: the words typed after
// "arcdiag", the last being the one to complete (empty after a space). It
// prints the candidates one a line, or the single line ":files" when a file
// name is wanted (the shell completes those itself).
type completeCmd struct {
	Words []string `arg:"" optional:""`
}

// curPrefix introduces the word being completed as the first argument,
// before the words typed: older PowerShell drops an empty argument, so the
// empty word after a space cannot be passed last.
const curPrefix = "--cur="

// filesWanted is the answer that hands completion to the shell's own file
// names.
const filesWanted = ":files"

// Run prints the candidates.
func (c *completeCmd) Run(e *env, kctx *kong.Context) error {
	for _, s := range complete(kctx.Model.Node, c.Words) {
		fmt.Fprintln(e.stdout, s)
	}
	return nil
}

// complete returns what may follow words[:len-1] and start with the last
// word, reading the command tree kong built from the CLI struct.
func complete(root *kong.Node, words []string) []string {
	if len(words) == 0 {
		words = []string{""}
	}
	cur, typed := words[len(words)-1], words[:len(words)-1]
	if c, ok := strings.CutPrefix(words[0], curPrefix); ok {
		cur, typed = c, words[1:] // PowerShell's way: see curPrefix
	}
	node, positional := root, 0
	var pending *kong.Flag // a flag whose value is the next word
	for _, w := range typed {
		switch {
		case pending != nil:
			if w != "=" { // bash splits --flag=value at the "="
				pending = nil
			}
		case strings.HasPrefix(w, "-"):
			name, _, hasValue := strings.Cut(w, "=")
			if f := findFlag(node, name); f != nil && !f.IsBool() && !hasValue {
				pending = f
			}
		default:
			if child := findChild(node, w); child != nil {
				node, positional = child, 0
			} else {
				positional++
			}
		}
	}
	var out []string
	switch {
	case pending != nil:
		if wantsFiles(pending.Value) {
			return []string{filesWanted}
		}
		out = pending.EnumSlice()
	case strings.HasPrefix(cur, "-"):
		for _, group := range node.AllFlags(true) {
			for _, f := range group {
				out = append(out, "--"+f.Name)
			}
		}
		out = append(out, "--help")
	case len(node.Children) > 0:
		for _, child := range node.Children {
			if !child.Hidden {
				out = append(out, child.Name)
			}
		}
	case positional < len(node.Positional):
		p := node.Positional[positional]
		if wantsFiles(p) {
			return []string{filesWanted}
		}
		out = p.EnumSlice()
	case len(node.Positional) > 0 && wantsFiles(node.Positional[len(node.Positional)-1]):
		return []string{filesWanted} // more of a repeated path argument
	}
	var fit []string
	for _, s := range out {
		if s != "" && strings.HasPrefix(s, cur) && !slices.Contains(fit, s) {
			fit = append(fit, s)
		}
	}
	return fit
}

// findFlag finds a flag by its --name or -s among node's and its parents'.
func findFlag(node *kong.Node, name string) *kong.Flag {
	for _, group := range node.AllFlags(false) {
		for _, f := range group {
			if "--"+f.Name == name || (f.Short != 0 && name == "-"+string(f.Short)) {
				return f
			}
		}
	}
	return nil
}

func findChild(node *kong.Node, name string) *kong.Node {
	for _, child := range node.Children {
		if child.Name == name || slices.Contains(child.Aliases, name) {
			return child
		}
	}
	return nil
}

// wantsFiles tells a value that names files or directories.
func wantsFiles(v *kong.Value) bool {
	return (v.Tag != nil && v.Tag.Type == "path") || v.Name == "path" || v.Name == "file" || v.Name == "dir"
}

// completionScripts hand the words typed to `arcdiag __complete` and offer
// what it prints; ":files" falls back to the shell's file names.
var completionScripts = map[string]string{
	"bash": `# arcdiag completion for bash: source <(arcdiag completion bash)
_arcdiag() {
    local cur=${COMP_WORDS[COMP_CWORD]} IFS=$'\n'
    local -a out
    out=($(arcdiag __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
    if [[ ${out[0]} == ":files" ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return
    fi
    COMPREPLY=("${out[@]}")
}
complete -F _arcdiag arcdiag
`,
	"zsh": `#compdef arcdiag
# arcdiag completion for zsh: source <(arcdiag completion zsh), after compinit
_arcdiag() {
    local -a out
    out=("${(@f)$(arcdiag __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    out=(${out:#})
    if [[ ${out[1]} == ":files" ]]; then
        _files
        return
    fi
    compadd -a out
}
compdef _arcdiag arcdiag
`,
	"fish": `# arcdiag completion for fish: arcdiag completion fish > ~/.config/fish/completions/arcdiag.fish
function __arcdiag_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l out (arcdiag __complete $words[2..-1] 2>/dev/null)
    if test "$out[1]" = ":files"
        __fish_complete_path (commandline -ct)
        return
    end
    printf '%s\n' $out
end
complete -c arcdiag -f -a '(__arcdiag_complete)'
`,
	"powershell": `# arcdiag completion for PowerShell: arcdiag completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName arcdiag -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 |
        Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.ToString() })
    $out = @(& arcdiag __complete "--cur=$wordToComplete" @words 2>$null)
    if ($out.Count -gt 0 -and $out[0] -eq ':files') {
        Get-ChildItem -Path "$wordToComplete*" -ErrorAction SilentlyContinue | ForEach-Object {
            [System.Management.Automation.CompletionResult]::new($_.Name, $_.Name, 'ProviderItem', $_.Name)
        }
        return
    }
    $out | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`,
}
