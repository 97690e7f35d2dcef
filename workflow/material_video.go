package workflow

import (
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
)

// Video media types the commitment video may have: what phones record
// (MP4, QuickTime MOV, 3GPP) and what browsers record (WebM).
const (
	mediaMP4       = "video/mp4"
	mediaQuickTime = "video/quicktime"
	media3GPP      = "video/3gpp"
	mediaWebM      = "video/webm"
)

// sniffVideo names a video container from its first bytes, never from the
// file name: an ISO base media file starts with an ftyp box whose major
// brand says MP4, QuickTime or 3GPP (HEIC and AVIF photos share the box
// and are refused); WebM starts with an EBML header whose DocType is
// "webm". It returns "" for anything else.
func sniffVideo(head []byte) string {
	if len(head) >= 12 && string(head[4:8]) == "ftyp" {
		switch brand := string(head[8:12]); brand {
		case "qt  ":
			return mediaQuickTime
		case "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "M4VP", "dash", "MSNV", "XAVC", "mmp4", "f4v ":
			return mediaMP4
		case "3gp4", "3gp5", "3gp6", "3gp7", "3ge6", "3ge7", "3gg6", "3g2a", "3g2b", "3g2c":
			return media3GPP
		}
		return ""
	}
	if len(head) >= 4 && bytes.Equal(head[:4], []byte{0x1A, 0x45, 0xDF, 0xA3}) {
		// The DocType element (0x4282) sits in the first few dozen bytes
		// of the EBML header.
		h := head[:min(len(head), 64)]
		if i := bytes.Index(h, []byte{0x42, 0x82}); i >= 0 && bytes.Contains(h[i:], []byte("webm")) {
			return mediaWebM
		}
	}
	return ""
}

var videoTypeFinding = UploadFinding{Code: "video.unsupported_type", Reject: true,
	Reason: beian.Text{ZH: "文件不是支持的视频格式（按文件内容识别，与扩展名无关）。", EN: "The file is not a supported video (judged by its content, not its name)."},
	Fix:    beian.Text{ZH: "请上传手机或电脑录制的 MP4、MOV 或 WebM 视频；如为其他格式，请先用手机相册或剪辑软件导出为 MP4。", EN: "Upload an MP4, MOV or WebM video as phones and computers record it; convert other formats to MP4 first."}}

var videoEmptyFinding = UploadFinding{Code: "video.empty", Reject: true,
	Reason: beian.Text{ZH: "没有收到视频文件。", EN: "No video was received."},
	Fix:    beian.Text{ZH: "请选择录制好的视频文件后再上传。", EN: "Choose the recorded video file, then upload."}}

// storeVideo sniffs the container from the first bytes and streams the
// video into docs, which refuses (and leaves nothing of) a file over the
// limit. Videos are not decoded: a reviewer watches them.
func storeVideo(ctx context.Context, docs blob.Store, key string, body io.Reader) (blob.Meta, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(body, head)
	head = head[:n]
	switch {
	case errors.Is(err, io.EOF):
		return blob.Meta{}, rejected([]UploadFinding{videoEmptyFinding})
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return blob.Meta{}, uploadReadError(err, MaxVideoBytes)
	}
	mt := sniffVideo(head)
	if mt == "" {
		return blob.Meta{}, rejected([]UploadFinding{videoTypeFinding})
	}
	meta, err := docs.Put(ctx, key, io.MultiReader(bytes.NewReader(head), body), MaxVideoBytes, blob.Meta{ContentType: mt})
	if err != nil {
		if e, ok := beian.AsError(err); ok && e.Key == "blob.too_large" || errors.Is(err, ErrBodyTooLarge) {
			return blob.Meta{}, rejected([]UploadFinding{tooLarge(MaxVideoBytes)})
		}
		return blob.Meta{}, err
	}
	return meta, nil
}
