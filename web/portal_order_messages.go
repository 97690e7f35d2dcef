package web

import "github.com/openbeian/beian"

// Messages of the portal's order pages that errors carry (rendered by
// renderError in HTML and problem JSON alike).
func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"order.form.too_large":          {ZH: "提交的内容过多，请分步保存。", EN: "The form is too large; save it in steps."},
		"material.form.invalid":         {ZH: "请通过页面上的上传表单选择文件后再上传。", EN: "Choose the file with the page's upload form, then upload."},
		"material.form.no_file":         {ZH: "请先选择要上传的文件。", EN: "Choose a file to upload first."},
		"material.form.too_large":       {ZH: "文件超过 {max} 的大小上限，请压缩或降低分辨率后重新上传。", EN: "The file is larger than the limit of {max}; compress it or lower its resolution and upload it again."},
		"material.accepted_with_advice": {ZH: "文件已保存。检查发现以下可改进之处，建议按提示重新拍摄，以免初审驳回：", EN: "The file was saved. The checks suggest improving it as below, to avoid a rejection in review:"},
		"auth.letter.unavailable":       {ZH: "承诺书暂时无法生成，请稍后重试；如持续出现请联系客服。", EN: "The letter cannot be generated right now; try again later, and contact support if it persists."},
	})
}
