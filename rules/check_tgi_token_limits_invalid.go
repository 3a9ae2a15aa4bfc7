package rules

import "strconv"

var tgiTokenLimitsInvalid = Meta{
	ID:       "tgi-token-limits-invalid",
	Severity: Error,
	Summary:  "TGI's launcher rejects the token limits: MAX_INPUT_TOKENS and MAX_INPUT_LENGTH together, an input limit not below MAX_TOTAL_TOKENS, or MAX_TOTAL_TOKENS above MAX_BATCH_TOTAL_TOKENS.",
	Hint:     "set MAX_INPUT_TOKENS (or the older MAX_INPUT_LENGTH, not both) below MAX_TOTAL_TOKENS, and MAX_BATCH_TOTAL_TOKENS at least MAX_TOTAL_TOKENS",
}

var tgiTokenLimitsInvalidRule = Rule{Meta: tgiTokenLimitsInvalid, Check: func(a *Archive) []Finding {
	if a.fw != &tgiFramework {
		return nil
	}
	num := func(k string) (int, bool) {
		n, err := strconv.Atoi(a.Env[k])
		return n, err == nil
	}
	var fs []Finding
	_, tokens := a.Env["MAX_INPUT_TOKENS"]
	_, length := a.Env["MAX_INPUT_LENGTH"]
	if tokens && length {
		fs = append(fs, a.Finding(tgiTokenLimitsInvalid, "", 0, 0, "MAX_INPUT_TOKENS and MAX_INPUT_LENGTH are both set; the launcher accepts one of them"))
	}
	inKey := "MAX_INPUT_TOKENS"
	if !tokens {
		inKey = "MAX_INPUT_LENGTH"
	}
	in, inOK := num(inKey)
	total, totalOK := num("MAX_TOTAL_TOKENS")
	if inOK && totalOK && in >= total {
		fs = append(fs, a.Finding(tgiTokenLimitsInvalid, "", 0, 0, "%s=%d must be below MAX_TOTAL_TOKENS=%d", inKey, in, total))
	}
	if batch, ok := num("MAX_BATCH_TOTAL_TOKENS"); ok && totalOK && total > batch {
		fs = append(fs, a.Finding(tgiTokenLimitsInvalid, "", 0, 0, "MAX_TOTAL_TOKENS=%d is above MAX_BATCH_TOTAL_TOKENS=%d", total, batch))
	}
	return fs
}}
