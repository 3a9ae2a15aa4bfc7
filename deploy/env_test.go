package deploy

import (
	"errors"
	"testing"
)

func TestCheckEnvValue(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		value   string
		wantErr bool
	}{
		{name: "timeout integer", env: "SAGEMAKER_MODEL_SERVER_TIMEOUT", value: "3600"},
		{name: "timeout with blanks", env: "SAGEMAKER_MODEL_SERVER_TIMEOUT", value: " 60 "},
		{name: "timeout with unit", env: "SAGEMAKER_MODEL_SERVER_TIMEOUT", value: "60s", wantErr: true},
		{name: "timeout zero", env: "SAGEMAKER_MODEL_SERVER_TIMEOUT", value: "0", wantErr: true},
		{name: "workers float", env: "SAGEMAKER_MODEL_SERVER_WORKERS", value: "1.5", wantErr: true},
		{name: "workers integer", env: "SAGEMAKER_MODEL_SERVER_WORKERS", value: "4"},
		{name: "log level integer", env: "SAGEMAKER_CONTAINER_LOG_LEVEL", value: "20"},
		{name: "log level name", env: "SAGEMAKER_CONTAINER_LOG_LEVEL", value: "INFO", wantErr: true},
		{name: "ts batch size", env: "SAGEMAKER_TS_BATCH_SIZE", value: "8"},
		{name: "ts batch delay word", env: "SAGEMAKER_TS_MAX_BATCH_DELAY", value: "fast", wantErr: true},
		{name: "ts response timeout with underscores", env: "SAGEMAKER_TS_RESPONSE_TIMEOUT", value: "1_000"},
		{name: "multi model true", env: "SAGEMAKER_MULTI_MODEL", value: "True"},
		{name: "multi model one", env: "SAGEMAKER_MULTI_MODEL", value: "1", wantErr: true},
		{name: "tfs batching yes", env: "SAGEMAKER_TFS_ENABLE_BATCHING", value: "yes", wantErr: true},
		{name: "trust remote code on", env: "HF_TRUST_REMOTE_CODE", value: "ON"},
		{name: "trust remote code zero", env: "HF_TRUST_REMOTE_CODE", value: "0"},
		{name: "trust remote code enabled", env: "HF_TRUST_REMOTE_CODE", value: "enabled", wantErr: true},
		{name: "program file", env: "SAGEMAKER_PROGRAM", value: "inference.py"},
		{name: "program module", env: "SAGEMAKER_PROGRAM", value: "inference"},
		{name: "program path", env: "SAGEMAKER_PROGRAM", value: "code/inference.py", wantErr: true},
		{name: "program notebook", env: "SAGEMAKER_PROGRAM", value: "inference.ipynb", wantErr: true},
		{name: "program empty", env: "SAGEMAKER_PROGRAM", value: "", wantErr: true},
		{name: "submit directory in artifact", env: "SAGEMAKER_SUBMIT_DIRECTORY", value: "/opt/ml/model/code"},
		{name: "submit directory on s3", env: "SAGEMAKER_SUBMIT_DIRECTORY", value: "s3://bucket/job/source/sourcedir.tar.gz"},
		{name: "submit directory relative", env: "SAGEMAKER_SUBMIT_DIRECTORY", value: "code", wantErr: true},
		{name: "port range", env: "SAGEMAKER_SAFE_PORT_RANGE", value: "10000-10999"},
		{name: "port range reversed", env: "SAGEMAKER_SAFE_PORT_RANGE", value: "10999-10000", wantErr: true},
		{name: "gpu margin", env: "SAGEMAKER_TFS_FRACTIONAL_GPU_MEM_MARGIN", value: "0.2"},
		{name: "any value", env: "HF_TASK", value: "text-classification"},
		{name: "unknown name never rejected", env: "MY_SETTING", value: "whatever"},
		{name: "open family", env: "SM_HP_EPOCHS", value: "ten"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckEnvValue(tt.env, tt.value)
			if tt.wantErr != (err != nil) {
				t.Fatalf("CheckEnvValue(%q, %q) error = %v, wantErr %v", tt.env, tt.value, err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalidEnvValue) {
				t.Errorf("CheckEnvValue(%q, %q) error = %v, want ErrInvalidEnvValue", tt.env, tt.value, err)
			}
		})
	}
}

func TestLookupEnv(t *testing.T) {
	for name, want := range map[string]bool{
		"SAGEMAKER_PROGRAM": true, "SAGEMAKER_TS_MAX_WORKERS": true, "SAGEMAKER_TFS_INSTANCE_COUNT": true,
		"HF_MODEL_ID": true, "HF_HUB_OFFLINE": true, "SM_CHANNEL_TRAIN": true, "TS_MAX_REQUEST_SIZE": true,
		"SAGEMAKER_PROGRAMM": false, "HF_TASKS": false, "MY_SETTING": false,
	} {
		if _, got := LookupEnv(name); got != want {
			t.Errorf("LookupEnv(%q) known = %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string]bool{
		"SAGEMAKER_X": true, "SM_X": true, "HF_X": true, "TS_X": true, "OPTION_ROLLING_BATCH": false, "sagemaker_program": false,
	} {
		if got := IsCheckedEnvName(name); got != want {
			t.Errorf("IsCheckedEnvName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSuggestEnv(t *testing.T) {
	tests := []struct {
		name   string
		want   string
		wantOK bool
	}{
		{name: "SAGEMAKER_PROGRAMM", want: "SAGEMAKER_PROGRAM", wantOK: true},
		{name: "SAGEMAKER_PRORGAM", want: "SAGEMAKER_PROGRAM", wantOK: true},
		{name: "SAGEMAKER_MODEL_SERVER_WORKER", want: "SAGEMAKER_MODEL_SERVER_WORKERS", wantOK: true},
		{name: "SAGEMAKER_SUBMIT_DIR", want: "", wantOK: false},
		{name: "HF_TASKS", want: "HF_TASK", wantOK: true},
		{name: "SAGEMAKER_COMPLETELY_DIFFERENT", want: "", wantOK: false},
		{name: "SAGEMAKER_PROGRAM", want: "", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := SuggestEnv(tt.name)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("SuggestEnv(%q) = %q, %v, want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
