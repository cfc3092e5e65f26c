package kb

import (
	"regexp"
	"strings"
)

// arcdiag's Japanese has one word per concept, as the seed page (Microsoft's
// Japanese troubleshooting page) has: the machine the agent runs on is
// コンピューター. マシン stays only inside fixed terms: 仮想マシン (a
// virtual machine) and マシン構成 (Azure Machine Configuration).
var fixedMachineTerms = strings.NewReplacer("仮想マシン", "", "マシン構成", "")

// japaneseVariants are the other spellings of a concept's word, each with
// the word arcdiag uses: the seed page's where it names the concept
// (サービス プリンシパル, プロキシ サーバー, リソース プロバイダー, リソース
// グループ, ファイアウォール, エラー コード, and the long-vowel mark of
// ユーザー, サーバー, パラメーター, コンピューター), else that of Microsoft's
// Japanese Azure Arc pages (拡張機能, コマンド ライン, マネージド ID,
// プライベート エンドポイント, デバイス コード, プロキシ). Katakana words of a
// compound are spaced apart, as both write them.
var japaneseVariants = []struct {
	variant *regexp.Regexp
	say     string
}{
	{regexp.MustCompile(`サービスプリンシパル`), "サービス プリンシパル"},
	{regexp.MustCompile(`プロキシサーバー`), "プロキシ サーバー"},
	{regexp.MustCompile(`リソースプロバイダー`), "リソース プロバイダー"},
	{regexp.MustCompile(`リソースグループ`), "リソース グループ"},
	{regexp.MustCompile(`ファイヤーウォール`), "ファイアウォール"},
	{regexp.MustCompile(`エラーコード`), "エラー コード"},
	{regexp.MustCompile(`ユーザ(?:[^ー]|$)`), "ユーザー"},
	{regexp.MustCompile(`サーバ(?:[^ー]|$)`), "サーバー"},
	{regexp.MustCompile(`パラメータ(?:[^ー]|$)`), "パラメーター"},
	{regexp.MustCompile(`コンピュータ(?:[^ー]|$)`), "コンピューター"},
	{regexp.MustCompile(`エクステンション`), "拡張機能"},
	{regexp.MustCompile(`コマンドライン`), "コマンド ライン"},
	{regexp.MustCompile(`マネージドID`), "マネージド ID"},
	{regexp.MustCompile(`プライベートエンドポイント`), "プライベート エンドポイント"},
	{regexp.MustCompile(`デバイスコード`), "デバイス コード"},
	{regexp.MustCompile(`プロキシー`), "プロキシ"},
}

// JapaneseTermProblem returns what a Japanese text should say instead of a
// word it uses ("say コンピューター, not マシン"), or "" when it keeps to the
// terms. The knowledge base, the message catalog and the web pages are all
// held to it.
func JapaneseTermProblem(ja string) string {
	if strings.Contains(fixedMachineTerms.Replace(ja), "マシン") {
		return "say コンピューター, not マシン"
	}
	for _, v := range japaneseVariants {
		if m := v.variant.FindString(ja); m != "" {
			return "say " + v.say + ", not " + m
		}
	}
	return ""
}

// extracting recognises English that unpacks files: the one sense in which
// arcdiag's Japanese says 展開 (as its messages say of a zip).
var extracting = regexp.MustCompile(`(?i)\b(?:extract|unpack|decompress|unzip)`)

// JapaneseSenseProblem returns what the Japanese of an English text should
// say instead of a word that has another sense there, or "": 展開 is
// extracting files, and deploying is デプロイ, as Microsoft's Japanese Azure
// Arc pages say ("Arc リソース ブリッジのデプロイ").
func JapaneseSenseProblem(en, ja string) string {
	if strings.Contains(ja, "展開") && !extracting.MatchString(en) {
		return "say デプロイ (deploy), not 展開: 展開 is only for extracting files"
	}
	return ""
}
