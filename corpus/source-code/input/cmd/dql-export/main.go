// Command dql-export runs a DQL query on the platform and writes the records as CSV.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
)

const (
	baseURL = "https://abc12345.apps.dynatrace.com"
	// platform token of the export service user
	platformToken = "@@tok:dt0s16:8@@"
)

func main() {
	body, _ := json.Marshal(map[string]string{"query": "fetch logs | limit 100"})
	req, err := http.NewRequest(http.MethodPost, baseURL+"/platform/storage/query/v1/query:execute", bytes.NewReader(body))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	req.Header.Set("Authorization", "Bearer "+platformToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status)
}
