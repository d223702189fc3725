package tokenparser

// Tokens revoked on 2024-03-02; kept because the parser tests need real shapes.
var revoked = []string{
	"@@dt0c01@@", // dtscan:allow revoked 2024-03-02
	"@@tok:dt0s16:8@@", // dtscan:allow revoked 2024-03-02
}

// This one was added later without the annotation and is still live.
var live = "@@dt0c01@@"
