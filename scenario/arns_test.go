package scenario

import "testing"

func TestARNIn(t *testing.T) {
	tests := []struct {
		keyARN, resource, want string
		wantErr                bool
	}{
		{"arn:aws:kms:us-east-1:111122223333:key/1234abcd", "alias/x", "arn:aws:kms:us-east-1:111122223333:alias/x", false},
		{"arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd", "key/5678", "arn:aws-cn:kms:cn-north-1:111122223333:key/5678", false},
		{"1234abcd", "alias/x", "", true},
		{"arn:aws:kms:us-east-1:111122223333:alias/x", "alias/y", "", true},
		{"", "alias/x", "", true},
	}
	for _, tt := range tests {
		got, err := ARNIn(tt.keyARN, tt.resource)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ARNIn(%q, %q) = %q, %v; want %q, error %v", tt.keyARN, tt.resource, got, err, tt.want, tt.wantErr)
		}
	}
}
